#!/usr/bin/python3
"""An independent reference for the Llama family (Llama, Mistral, Qwen2) as the
Hugging Face Hub stores it, written in PyTorch's Python API (Debian's
python3-torch) from the published description: transformers'
modeling_llama.py / modeling_qwen2.py and the Llama 3 rope scaling of
modeling_rope_utils.py. No transformers, no safetensors package: the files are
read here by their documented layout.

    hub_llama_reference.py FOLDER TOKEN_IDS GREEDY_TOKENS

prints one JSON object: the logits of TOKEN_IDS (comma-separated) and the
GREEDY_TOKENS tokens a greedy continuation of them picks.
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(body[begin:end])
        tensor = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if raw else torch.empty(0)
        tensors[name] = tensor.reshape(entry["shape"]).to(torch.float32)
    return tensors


def read_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        weights = {}
        for shard in shards:
            weights.update(read_safetensors(os.path.join(folder, shard)))
        return weights
    return read_safetensors(os.path.join(folder, "model.safetensors"))


def inverse_frequencies(config, head_dim):
    theta = config.get("rope_theta", 10000.0)
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    scaling = config.get("rope_scaling")
    if not scaling:
        return inv
    factor = scaling["factor"]
    low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
    old = scaling["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, scaled)


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(w, name, x):
    y = x @ w[name + ".weight"].T
    bias = w.get(name + ".bias")
    return y + bias if bias is not None else y


def forward(config, w, ids):
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or hidden // heads
    eps = config.get("rms_norm_eps", 1e-6)
    length = len(ids)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    angles = torch.outer(torch.arange(length).float(), inverse_frequencies(config, head_dim))
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.full((length, length), float("-inf")).triu(1)
    for i in range(config["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(w, p + "self_attn.q_proj", h).view(length, heads, head_dim).transpose(0, 1)
        k = linear(w, p + "self_attn.k_proj", h).view(length, kv_heads, head_dim).transpose(0, 1)
        v = linear(w, p + "self_attn.v_proj", h).view(length, kv_heads, head_dim).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # repeat_kv: key/value head j serves query heads j*n .. j*n+n-1
        n = heads // kv_heads
        k = k[:, None].expand(kv_heads, n, length, head_dim).reshape(heads, length, head_dim)
        v = v[:, None].expand(kv_heads, n, length, head_dim).reshape(heads, length, head_dim)
        scores = q @ k.transpose(1, 2) / math.sqrt(head_dim) + causal
        attended = torch.softmax(scores, dim=-1) @ v
        x = x + linear(w, p + "self_attn.o_proj", attended.transpose(0, 1).reshape(length, heads * head_dim))
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(w, p + "mlp.gate_proj", h)
        x = x + linear(w, p + "mlp.down_proj", torch.nn.functional.silu(gate) * linear(w, p + "mlp.up_proj", h))
    x = rms_norm(x, w["model.norm.weight"], eps)
    output = w["model.embed_tokens.weight"] if config.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ output.T


def logits_and_greedy(forward, config, weights, ids, greedy_count):
    """The logits of `ids` and the `greedy_count` tokens a greedy continuation picks, as printed JSON."""
    with torch.no_grad():
        logits = forward(config, weights, ids)
        greedy = []
        context = list(ids)
        for _ in range(greedy_count):
            token = int(forward(config, weights, context)[-1].argmax())
            greedy.append(token)
            context.append(token)
    json.dump({"logits": logits.tolist(), "greedy": greedy}, sys.stdout)


def main(forward=forward):
    """FOLDER TOKEN_IDS GREEDY_TOKENS on the command line; `forward(config, weights, ids)` gives the logits."""
    folder, ids_text, greedy_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    ids = [int(t) for t in ids_text.split(",")]
    logits_and_greedy(forward, config, read_weights(folder), ids, greedy_count)


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
