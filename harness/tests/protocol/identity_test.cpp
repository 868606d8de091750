// What engines say about themselves, as each documents it: the model, the engine, its version.
#include <boost/test/unit_test.hpp>

#include "protocol/identity.hpp"

using llmbench::protocol::EngineIdentity;
using llmbench::protocol::ReadIdentity;

BOOST_AUTO_TEST_CASE(llamacpp_models_and_props) {
  EngineIdentity id;
  ReadIdentity(
      "/v1/models",
      R"({"object":"list","data":[{"id":"/models/tiny-llama.gguf","object":"model","created":1,"owned_by":"llamacpp",
                   "meta":{"vocab_type":1,"n_vocab":32000,"n_ctx_train":2048,"n_embd":256,"n_params":13631744,"size":27299840}}]})",
      "tiny", id);
  ReadIdentity("/props", R"({"total_slots":4,"model_path":"/models/tiny-llama.gguf","build_info":"b4754-c392e509"})",
               "tiny", id);
  ReadIdentity("/version", "<html>404</html>", "tiny", id);  // not JSON: nothing
  BOOST_TEST(id.model == "/models/tiny-llama.gguf (n_params 13.6M, 27.3 MB, n_vocab 32000)");
  BOOST_TEST(id.engine == "llama.cpp");
  BOOST_TEST(id.version == "b4754-c392e509");
  BOOST_TEST((id.sources == std::vector<std::string>{"/v1/models", "/props"}));
}

BOOST_AUTO_TEST_CASE(vllm_served_name_root_and_version) {
  EngineIdentity id;
  ReadIdentity(
      "/v1/models",
      R"({"object":"list","data":[{"id":"chat","object":"model","owned_by":"vllm","root":"meta-llama/Llama-3.1-8B-Instruct","max_model_len":8192}]})",
      "chat", id);
  ReadIdentity("/version", R"({"version":"0.6.3.post1"})", "chat", id);
  BOOST_TEST(id.model == "chat root meta-llama/Llama-3.1-8B-Instruct");
  BOOST_TEST(id.engine == "vLLM");
  BOOST_TEST(id.version == "0.6.3.post1");
}

BOOST_AUTO_TEST_CASE(tgi_info_names_model_and_revision) {
  EngineIdentity id;
  ReadIdentity(
      "/info",
      R"({"model_id":"HuggingFaceH4/zephyr-7b-beta","model_sha":"b70e0c9a2d9e14bd1e812d3c398e5f313e93b473","model_dtype":"torch.float16","version":"2.4.0","sha":"0ff6ff6"})",
      "tgi", id);
  BOOST_TEST(id.model == "HuggingFaceH4/zephyr-7b-beta @ b70e0c9a2d9e");
  BOOST_TEST(id.engine == "TGI");
  BOOST_TEST(id.version == "2.4.0");
}

BOOST_AUTO_TEST_CASE(ollama_picks_the_wanted_model_among_several) {
  EngineIdentity id;
  ReadIdentity(
      "/v1/models",
      R"({"object":"list","data":[{"id":"qwen2.5:0.5b","object":"model","owned_by":"library"},{"id":"llama3.2:latest","object":"model","owned_by":"library"}]})",
      "llama3.2", id);
  ReadIdentity("/api/version", R"({"version":"0.5.7"})", "llama3.2", id);
  ReadIdentity(
      "/api/tags",
      R"({"models":[{"name":"qwen2.5:0.5b","digest":"a8b0c5157701"},{"name":"llama3.2:latest","model":"llama3.2:latest","digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72","size":2019393189}]})",
      "llama3.2", id);
  BOOST_TEST(id.model == "llama3.2:latest digest a80c4f17acd5");
  BOOST_TEST(id.engine == "Ollama");
  BOOST_TEST(id.version == "0.5.7");
}

BOOST_AUTO_TEST_CASE(hostile_bodies_add_nothing) {
  EngineIdentity id;
  for (const char* body : {"", "null", "[]", "{", R"({"data":"x"})", R"({"data":[1,2]})", R"({"data":[{"id":7}]})",
                           R"({"version":3})", R"({"models":{}})", "\xff\xfe"}) {
    for (const auto& path : llmbench::protocol::IdentityPaths()) ReadIdentity(path, body, "m", id);
  }
  BOOST_TEST(id.empty());
  BOOST_TEST(id.sources.empty());
  // A list of several models, none of them the wanted one: which one serves is unknown.
  ReadIdentity("/v1/models", R"({"data":[{"id":"a"},{"id":"b"}]})", "c", id);
  BOOST_TEST(id.model.empty());
}
