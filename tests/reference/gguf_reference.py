#!/usr/bin/python3
"""An independent reader and runner of GGUF files as llama.cpp runs them, written
in PyTorch's Python API (Debian's python3-torch) from the published
descriptions: the GGUF v3 layout of ggml's docs/gguf.md, ggml's F16 and Q8_0
blocks, and llama.cpp's graphs for the architectures "llama" (rotary positions
on adjacent pairs of each head, ggml's "normal" rope mode, divided by
rope_freqs where the file has it), "qwen2" (the same with q/k/v biases and
rotary positions on the two halves of each head, ggml's "neox" mode) and
"gpt2" (learned positions, one fused attn_qkv, GELU's tanh form). No gguf
package, no llama.cpp: if Cradle wrote a tensor in the wrong layout or order,
the logits here differ from the Hugging Face model's.

    gguf_reference.py FILE TOKEN_IDS

prints one JSON object: the metadata (keys and values), the tensors (name,
ggml type, dims, offset) and the logits of TOKEN_IDS (comma-separated).
"""
import json
import math
import struct
import sys

import torch

SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def unpack(self, fmt):
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return value

    def string(self):
        length = self.unpack("<Q")
        text = self.data[self.at:self.at + length].decode("utf-8")
        self.at += length
        return text

    def value(self, kind):
        if kind == 8:
            return self.string()
        if kind == 9:
            element, count = self.unpack("<I"), self.unpack("<Q")
            return [self.value(element) for _ in range(count)]
        return self.unpack(SCALARS[kind])


def read_gguf(path):
    with open(path, "rb") as f:
        data = f.read()
    r = Reader(data)
    assert data[:4] == b"GGUF", "no GGUF magic"
    r.at = 4
    version, tensor_count, kv_count = r.unpack("<I"), r.unpack("<Q"), r.unpack("<Q")
    assert version == 3, version
    metadata = {}
    for _ in range(kv_count):
        key = r.string()
        metadata[key] = r.value(r.unpack("<I"))
    infos = []
    for _ in range(tensor_count):
        name = r.string()
        dims = [r.unpack("<Q") for _ in range(r.unpack("<I"))]
        infos.append({"name": name, "dims": dims, "type": r.unpack("<I"), "offset": r.unpack("<Q")})
    alignment = metadata.get("general.alignment", 32)
    start = (r.at + alignment - 1) // alignment * alignment
    tensors = {}
    for info in infos:
        count = math.prod(info["dims"])
        at = start + info["offset"]
        if info["type"] == 0:
            flat = torch.frombuffer(bytearray(data[at:at + 4 * count]), dtype=torch.float32)
        elif info["type"] == 1:
            flat = torch.frombuffer(bytearray(data[at:at + 2 * count]), dtype=torch.float16).float()
        elif info["type"] == 8:  # blocks of a float16 scale and 32 int8 values
            blocks = count // 32
            raw = torch.frombuffer(bytearray(data[at:at + 34 * blocks]), dtype=torch.uint8).view(blocks, 34)
            scale = raw[:, :2].contiguous().view(torch.float16).float()
            values = raw[:, 2:].contiguous().view(torch.int8).float()
            flat = (values * scale).reshape(-1)
        else:
            raise ValueError(f"type {info['type']}")
        tensors[info["name"]] = flat.reshape(list(reversed(info["dims"])))  # dims[0] is the innermost
    return metadata, infos, tensors


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rope(x, positions, base, factors, neox):
    """x [heads, T, d]. Normal mode rotates (x[2i], x[2i+1]); neox mode (x[i], x[i + d/2])."""
    d = x.shape[-1]
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    if factors is not None:
        theta = theta / factors.double()
    angles = positions[:, None].double() * theta[None, :]
    cos, sin = angles.cos().float(), angles.sin().float()
    if neox:
        a, b = x[..., : d // 2], x[..., d // 2:]
        return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).reshape(x.shape)


def attention(q, k, v):
    """q [H, T, d], k/v [KV, T, d] → [T, H*d], causal."""
    group = q.shape[0] // k.shape[0]
    k, v = k.repeat_interleave(group, 0), v.repeat_interleave(group, 0)
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    length = q.shape[1]
    scores = scores.masked_fill(torch.triu(torch.ones(length, length, dtype=torch.bool), 1), float("-inf"))
    return (scores.softmax(-1) @ v).transpose(0, 1).reshape(length, -1)


def linear(t, name, x):
    y = x @ t[name + ".weight"].T
    return y + t[name + ".bias"] if name + ".bias" in t else y


def llama_logits(m, t, ids, arch):
    heads, kv_heads = m[arch + ".attention.head_count"], m[arch + ".attention.head_count_kv"]
    eps, base = m[arch + ".attention.layer_norm_rms_epsilon"], m.get(arch + ".rope.freq_base", 10000.0)
    factors = t.get("rope_freqs.weight")
    neox = arch == "qwen2"
    x = t["token_embd.weight"][ids]
    positions = torch.arange(len(ids))
    for i in range(m[arch + ".block_count"]):
        p = f"blk.{i}."
        h = rms_norm(x, t[p + "attn_norm.weight"], eps)
        q = linear(t, p + "attn_q", h).view(len(ids), heads, -1).transpose(0, 1)
        k = linear(t, p + "attn_k", h).view(len(ids), kv_heads, -1).transpose(0, 1)
        v = linear(t, p + "attn_v", h).view(len(ids), kv_heads, -1).transpose(0, 1)
        q, k = rope(q, positions, base, factors, neox), rope(k, positions, base, factors, neox)
        x = x + linear(t, p + "attn_output", attention(q, k, v))
        h = rms_norm(x, t[p + "ffn_norm.weight"], eps)
        gate = linear(t, p + "ffn_gate", h)
        x = x + linear(t, p + "ffn_down", gate * torch.sigmoid(gate) * linear(t, p + "ffn_up", h))
    x = rms_norm(x, t["output_norm.weight"], eps)
    return x @ t.get("output.weight", t["token_embd.weight"]).T


def gpt2_logits(m, t, ids):
    heads, eps = m["gpt2.attention.head_count"], m["gpt2.attention.layer_norm_epsilon"]

    def norm(x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], t[name + ".weight"], t[name + ".bias"], eps)

    x = t["token_embd.weight"][ids] + t["position_embd.weight"][: len(ids)]
    for i in range(m["gpt2.block_count"]):
        p = f"blk.{i}."
        qkv = linear(t, p + "attn_qkv", norm(x, p + "attn_norm"))
        q, k, v = (part.view(len(ids), heads, -1).transpose(0, 1) for part in qkv.chunk(3, dim=-1))
        x = x + linear(t, p + "attn_output", attention(q, k, v))
        h = linear(t, p + "ffn_up", norm(x, p + "ffn_norm"))
        x = x + linear(t, p + "ffn_down", torch.nn.functional.gelu(h, approximate="tanh"))
    return norm(x, "output_norm") @ t["output.weight"].T


def main():
    path, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
    metadata, infos, tensors = read_gguf(path)
    arch = metadata["general.architecture"]
    with torch.no_grad():
        if arch == "gpt2":
            logits = gpt2_logits(metadata, tensors, torch.tensor(ids))
        else:
            logits = llama_logits(metadata, tensors, torch.tensor(ids), arch)
    print(json.dumps({"metadata": metadata, "tensors": infos, "logits": logits.tolist()}))


if __name__ == "__main__":
    main()
