#!/usr/bin/env python3
"""Create a tiny, randomly initialised llama-architecture GGUF model for a local llama-server, so
a real engine can be checked by hand on a machine without internet or a GPU (ci/real-engine/
README.md). It needs a llama.cpp source tree (for gguf-py and its bundled SPM vocabulary):

    LLAMA_SRC=/path/to/llama.cpp OUT=/tmp/tiny-llama.gguf /usr/bin/python3 make-tiny-llama.py

and Debian's python3-numpy and python3-sentencepiece (gguf-py imports both).

Vocabulary is copied from models/ggml-vocab-llama-spm.gguf (LLaMA-1/2 SPM, 32000 tokens).
Tensor names/shapes follow src/llama-model.cpp (case LLM_ARCH_LLAMA) and
gguf-py/gguf/constants.py MODEL_TENSORS[MODEL_ARCH.LLAMA].

Dimension order: llama.cpp's create_tensor() uses ggml ne order, e.g. token_embd
{n_embd, n_vocab}.  GGUFWriter writes numpy shapes reversed (gguf_writer.py:
ti.shape[n_dims - 1 - j]), exactly like convert_hf_to_gguf.py passing HF
[out_features, in_features] tensors.  So numpy shape = reversed(ne):
token_embd (n_vocab, n_embd), attn_q (n_embd_q, n_embd), ffn_down (n_embd, n_ff), ...
"""
import os
import sys

import numpy as np

SRC = os.environ["LLAMA_SRC"]
sys.path.insert(0, os.path.join(SRC, "gguf-py"))
import gguf  # noqa: E402

VOCAB_GGUF = os.path.join(SRC, "models", "ggml-vocab-llama-spm.gguf")
OUT = os.environ.get("OUT", "tiny-llama.gguf")

ARCH = "llama"
N_EMBD = 256
N_LAYER = 4
N_HEAD = 4
N_HEAD_KV = 4
N_FF = 688
N_CTX = 2048
HEAD_DIM = N_EMBD // N_HEAD          # 64 -> rope.dimension_count must equal this for llama
RMS_EPS = 1e-5
ROPE_BASE = 10000.0
SEED = 1234
WDTYPE = np.float16                   # 2-D weights; norms stay float32 (as convert_hf_to_gguf does)

# Minimal chat template: exactly llama.cpp's built-in CHATML_TEMPLATE_SRC (common/chat.cpp),
# so minja parses it and the legacy (non --jinja) path detects it as "chatml".
CHAT_TEMPLATE = (
    "{%- for message in messages -%}\n"
    "  {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' -}}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n"
    "  {{- '<|im_start|>assistant\n' -}}\n"
    "{%- endif -%}"
)


def field_scalar(reader, key):
    f = reader.get_field(key)
    if f is None:
        return None
    return f.parts[f.data[0]].tolist()[0]


def field_str(reader, key):
    f = reader.get_field(key)
    return None if f is None else bytes(f.parts[f.data[0]]).decode("utf-8")


def read_vocab(path):
    r = gguf.GGUFReader(path)
    tok_f = r.get_field(gguf.Keys.Tokenizer.LIST)
    tokens = [bytes(tok_f.parts[i]) for i in tok_f.data]
    sc_f = r.get_field(gguf.Keys.Tokenizer.SCORES)
    scores = [float(sc_f.parts[i][0]) for i in sc_f.data]
    tt_f = r.get_field(gguf.Keys.Tokenizer.TOKEN_TYPE)
    ttypes = [int(tt_f.parts[i][0]) for i in tt_f.data]
    model = field_str(r, gguf.Keys.Tokenizer.MODEL)
    assert model == "llama", f"expected SPM ('llama') tokenizer, got {model!r}"
    assert len(tokens) == len(scores) == len(ttypes)
    return dict(
        tokens=tokens, scores=scores, ttypes=ttypes, model=model,
        pre=field_str(r, gguf.Keys.Tokenizer.PRE),
        bos=field_scalar(r, gguf.Keys.Tokenizer.BOS_ID),
        eos=field_scalar(r, gguf.Keys.Tokenizer.EOS_ID),
        unk=field_scalar(r, gguf.Keys.Tokenizer.UNK_ID),
        add_bos=field_scalar(r, gguf.Keys.Tokenizer.ADD_BOS),
        add_eos=field_scalar(r, gguf.Keys.Tokenizer.ADD_EOS),
    )


def main():
    v = read_vocab(VOCAB_GGUF)
    n_vocab = len(v["tokens"])
    rng = np.random.default_rng(SEED)

    def w(*np_shape):
        return (rng.standard_normal(np_shape, dtype=np.float32) * 0.02).astype(WDTYPE)

    def ones(n):
        return np.ones((n,), dtype=np.float32)

    wr = gguf.GGUFWriter(OUT, ARCH)   # writes general.architecture
    wr.add_name("tiny-llama-random")
    wr.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    wr.add_vocab_size(n_vocab)
    wr.add_context_length(N_CTX)
    wr.add_embedding_length(N_EMBD)
    wr.add_block_count(N_LAYER)
    wr.add_feed_forward_length(N_FF)
    wr.add_head_count(N_HEAD)
    wr.add_head_count_kv(N_HEAD_KV)
    wr.add_layer_norm_rms_eps(RMS_EPS)
    wr.add_rope_dimension_count(HEAD_DIM)
    wr.add_rope_freq_base(ROPE_BASE)

    wr.add_tokenizer_model(v["model"])
    if v["pre"] is not None:
        wr.add_tokenizer_pre(v["pre"])
    wr.add_token_list(v["tokens"])
    wr.add_token_scores(v["scores"])
    wr.add_token_types(v["ttypes"])
    wr.add_bos_token_id(v["bos"])
    wr.add_eos_token_id(v["eos"])
    wr.add_unk_token_id(v["unk"])
    if v["add_bos"] is not None:
        wr.add_add_bos_token(bool(v["add_bos"]))
    if v["add_eos"] is not None:
        wr.add_add_eos_token(bool(v["add_eos"]))
    wr.add_chat_template(CHAT_TEMPLATE)

    n_q = HEAD_DIM * N_HEAD
    n_kv = HEAD_DIM * N_HEAD_KV
    # numpy shape = reversed(ggml ne) -- see module docstring
    wr.add_tensor("token_embd.weight", w(n_vocab, N_EMBD))      # ne {n_embd, n_vocab}
    for i in range(N_LAYER):
        p = f"blk.{i}."
        wr.add_tensor(p + "attn_norm.weight", ones(N_EMBD))     # ne {n_embd}
        wr.add_tensor(p + "attn_q.weight", w(n_q, N_EMBD))      # ne {n_embd, n_embd_head_k*n_head}
        wr.add_tensor(p + "attn_k.weight", w(n_kv, N_EMBD))     # ne {n_embd, n_embd_k_gqa}
        wr.add_tensor(p + "attn_v.weight", w(n_kv, N_EMBD))     # ne {n_embd, n_embd_v_gqa}
        wr.add_tensor(p + "attn_output.weight", w(N_EMBD, n_q))  # ne {n_embd_head_k*n_head, n_embd}
        wr.add_tensor(p + "ffn_norm.weight", ones(N_EMBD))      # ne {n_embd}
        wr.add_tensor(p + "ffn_gate.weight", w(N_FF, N_EMBD))   # ne {n_embd, n_ff}
        wr.add_tensor(p + "ffn_down.weight", w(N_EMBD, N_FF))   # ne {n_ff, n_embd}
        wr.add_tensor(p + "ffn_up.weight", w(N_FF, N_EMBD))     # ne {n_embd, n_ff}
    wr.add_tensor("output_norm.weight", ones(N_EMBD))           # ne {n_embd}
    wr.add_tensor("output.weight", w(n_vocab, N_EMBD))          # ne {n_embd, n_vocab}

    wr.write_header_to_file()
    wr.write_kv_data_to_file()
    wr.write_tensors_to_file()
    wr.close()
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1e6:.1f} MB), n_vocab={n_vocab}")


if __name__ == "__main__":
    main()
