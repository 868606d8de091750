#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (harness/fuzz/corpus/<target>/) from the repository's own
test data: recorded engine streams, bundled scenarios and data files, stored baselines. Each seed
carries the mode bytes its target reads first (protocol, piece size, field...). Run it again when
the test data grows; crash inputs the fuzzer finds are added by hand (see README) and kept."""
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "harness/fuzz/corpus"
STREAMS = sorted((ROOT / "harness/tests/data/streams").glob("*.*"))
STREAMS = [s for s in STREAMS if s.suffix in (".sse", ".ndjson")]
PROTOCOLS = 8  # protocol::ProtocolNames()


def put(target, data: bytes):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def main():
    for s in STREAMS:
        body = s.read_bytes()
        for framing in range(3):
            put("fuzz_sse", bytes([framing, 7]) + body)
        for p in range(PROTOCOLS):
            put("fuzz_stream_decoders", bytes([p, 5]) + body)
            if p in (0, 1) and s.suffix == ".sse":  # OpenAI chat and completions, a read per event: the shortcut
                put("fuzz_stream_decoders", bytes([p, 0x40]) + body)
    for toml in sorted((ROOT / "scenarios").rglob("*.toml")):
        put("fuzz_scenario_toml", toml.read_bytes())
    for rule in ["ttft.p95 < 500ms", "tpot.p50 <= 40 ms", "errors.rate < 1%", "output_throughput >= 1000 tok/s",
                 "e2e.p99 < 2s", "server.vllm:num_requests_waiting.max < 4", "cost_per_1k_requests < 0.05 USD",
                 "ttft.p99.9 < 1e3ms", "requests_per_second > 2", "itl.mean == 10ms"]:
        put("fuzz_threshold", rule.encode())
    for b in sorted((ROOT / "baselines").rglob("*.json")):
        put("fuzz_results_json", b.read_bytes())
    # A small results.json and its records, from a real run of the embedded simulator.
    llmbench = ROOT / "build/harness/llmbench"
    if llmbench.exists():
        with tempfile.TemporaryDirectory() as tmp:
            scenario = pathlib.Path(tmp) / "tiny.toml"
            scenario.write_text('schema = 1\n[engines.sim]\nprotocol = "sim"\n[classes.c]\ninput_tokens = 16\n'
                                'output_tokens = 4\n[load]\nconcurrency = [2]\nrequests = 3\nwarmup = 1\n'
                                'repetitions = 1\n')
            subprocess.run([str(llmbench), "run", str(scenario), "--out", tmp + "/out"], check=True,
                           stdout=subprocess.DEVNULL)
            put("fuzz_results_json", (pathlib.Path(tmp) / "out/results.json").read_bytes())
            put("fuzz_results_json", (pathlib.Path(tmp) / "out/verdicts.json").read_bytes())
            for line in (pathlib.Path(tmp) / "out/records.jsonl").read_text().splitlines()[:2]:
                put("fuzz_results_json", line.encode())
    else:
        print("note: build/harness/llmbench missing: no results.json seed", file=sys.stderr)
    put("fuzz_prometheus", (
        "# HELP vllm:num_requests_running Number of requests running.\n"
        "# TYPE vllm:num_requests_running gauge\n"
        'vllm:num_requests_running{model_name="m"} 3.0\n'
        "# TYPE vllm:time_to_first_token_seconds histogram\n"
        'vllm:time_to_first_token_seconds_bucket{le="0.01"} 2\n'
        'vllm:time_to_first_token_seconds_bucket{le="0.1"} 9\n'
        'vllm:time_to_first_token_seconds_bucket{le="+Inf"} 10\n'
        "vllm:time_to_first_token_seconds_sum 0.42\n"
        "vllm:time_to_first_token_seconds_count 10\n"
        "# TYPE tgi_request_count counter\n"
        "tgi_request_count 12\n"
        'requests_total{code="200"} 1027 # {trace_id="KOO5S4vxi0o"} 0.67\n'
        'path_total{path="C:\\\\dir\\\\",msg="say \\"hi\\"\\nbye",} 7 1700000000000\r\n'
        "temp -Inf\nratio NaN\n# EOF\n"
        "# TYPE vllm:num_requests_running gauge\n"
        'vllm:num_requests_running{model_name="m"} 5.0\n'
        'vllm:time_to_first_token_seconds_bucket{le="0.01"} 4\n'
        'vllm:time_to_first_token_seconds_bucket{le="0.1"} 19\n'
        'vllm:time_to_first_token_seconds_bucket{le="+Inf"} 20\n'
        "vllm:time_to_first_token_seconds_sum 0.9\n"
        "vllm:time_to_first_token_seconds_count 20\n"
        "tgi_request_count 30\n").encode())
    for mode, f in [(0, "sample-prompts.jsonl"), (3, "sample-prompts.jsonl"), (0x80, "sample-trace.jsonl"),
                    (0xC0, "sample-trace.jsonl")]:
        put("fuzz_datasets", bytes([mode]) + (ROOT / "scenarios/data" / f).read_bytes())
    put("fuzz_datasets", bytes([3]) + json.dumps([{"messages": [{"role": "user", "content": "hi there"}]}]).encode())
    put("fuzz_datasets", bytes([4]) + b'{"conversations": [{"from": "human", "value": "hello"}]}\n')
    replies = {
        0: {"object": "list", "data": [{"id": "llmbench-sim", "object": "model", "owned_by": "llmbench",
                                         "max_model_len": 4096}]},
        1: {"model_path": "/models/qwen.gguf", "build_info": "b4000-abc", "n_ctx": 4096,
            "default_generation_settings": {"n_ctx": 4096}},
        2: {"version": "0.6.3"},
        3: {"model_id": "meta-llama/Llama-3-8B", "version": "2.4.0", "max_input_tokens": 4095,
            "sha": "abc", "docker_label": "sha-abc"},
        4: {"version": "0.5.1"},
        5: {"models": [{"name": "llama3:8b", "model": "llama3:8b", "details": {"parameter_size": "8B"}}]},
    }
    for mode, body in replies.items():
        put("fuzz_engine_replies", bytes([mode]) + json.dumps(body).encode())
    put("fuzz_engine_replies", bytes([0]) + json.dumps({"tokens": [1, 2, 3]}).encode())
    put("fuzz_engine_replies", bytes([1]) + json.dumps({"count": 3, "max_model_len": 4096, "tokens": [1, 2, 3]}).encode())
    put("fuzz_engine_replies", bytes([2]) + json.dumps([{"id": 1, "text": "a", "start": 0, "stop": 1}]).encode())
    put("fuzz_engine_replies", bytes([0]) + json.dumps({"prompt": "<|user|>hi<|assistant|>"}).encode())
    chunk_shape_seeds()
    print("corpora in", OUT)


def chunk_shape_seeds():
    """fuzz_chunk_shape: OpenAI streams, recorded and made up, whose chunks share one shape and differ in
    their text, in the ways that must leave the shortcut (escapes, quotes, control and non-UTF-8 bytes,
    empty text, a finish reason, usage, a second choice, a changed id, bytes after the object)."""
    for s in STREAMS:
        if s.suffix == ".sse":
            put("fuzz_chunk_shape", bytes([0, 5]) + s.read_bytes())
            put("fuzz_chunk_shape", bytes([1, 0x85]) + s.read_bytes())
            put("fuzz_chunk_shape", bytes([0, 0xC0]) + s.read_bytes())  # a read per event: the whole-event shortcut
    head = b'{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
    chat = [b'"delta":{"content":"' + t + b'"},"logprobs":null,"finish_reason":null}]}' for t in [
        b"Hello", b" world", b"a\\\"b", b"\\n", b"\\u00e9", "w\u00f6rld".encode(), b"\xff\xfe", b"\x01", b"",
        b"}", b'"', b"x\\", "\U0001F600".encode()]]
    chat += [b'"delta":{"content":"end"},"logprobs":null,"finish_reason":"stop"}]}',
             b'"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}',
             b'"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":{"completion_tokens":3}}',
             b'"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null},{"index":1,"delta":{"content":"Yo"}}]}',
             b'"delta":{"reasoning_content":"think","content":""},"logprobs":null,"finish_reason":null}]}',
             b'"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}}',
             b'"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]} x']
    body = b"".join(b"data: " + head + c + b"\n\n" for c in chat)
    body += b"data: " + head.replace(b"chatcmpl-1", b"chatcmpl-2") + chat[0] + b"\n\ndata: [DONE]\n\n"
    put("fuzz_chunk_shape", bytes([0, 63]) + body)
    put("fuzz_chunk_shape", bytes([0, 0x80 | 63]) + body)
    put("fuzz_chunk_shape", bytes([0, 0xC0]) + body)
    completion = b"".join(b'data: {"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":"' + t +
                          b'","finish_reason":null}]}\n\n' for t in [b"one", b" two", b"t\\\"q", b"", b"\xc3"])
    put("fuzz_chunk_shape", bytes([1, 63]) + completion)
    put("fuzz_chunk_shape", bytes([1, 0x40]) + completion)


if __name__ == "__main__":
    main()
