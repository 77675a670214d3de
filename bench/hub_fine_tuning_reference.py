#!/usr/bin/python3
"""PyTorch reference for bench/hub_fine_tuning.sh: the same training step as
bench/hub_fine_tuning_bench.cpp in PyTorch's Python API (Debian's
python3-torch): a Llama-family model of SmolLM-135M's shape written from
transformers' modeling_llama.py (RMSNorm, rotate-half rotary positions,
grouped-query attention, SwiGLU, tied output), LoRA as peft's
tuners/lora/layer.py computes it (lora_B(lora_A(dropout(x))) * alpha / r,
A Kaiming-uniform, B zero, the base frozen), gradient checkpointing by
torch.utils.checkpoint, AdamW at 1e-4, batch 1. Prints one JSON line.
Usage: hub_fine_tuning_reference.py MODE [STEPS [CONTEXT]]"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint

VOCAB, WIDTH, LAYERS, HEADS, KV_HEADS, MLP = 49152, 576, 30, 9, 3, 1536
HEAD = WIDTH // HEADS


class LoraLinear(nn.Module):
    def __init__(self, base, rank, alpha, dropout):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(dropout)
        self.scaling = alpha / rank

    def forward(self, x):
        # peft casts the input to the adapter's type: float32 adapters over a bfloat16 base
        adapter = self.lora_B(self.lora_A(self.dropout(x.to(self.lora_A.weight.dtype)))) * self.scaling
        return self.base(x) + adapter.to(x.dtype)


class RmsNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(WIDTH))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))


def rotate_half(x):
    return torch.cat((-x[..., HEAD // 2:], x[..., :HEAD // 2]), dim=-1)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = RmsNorm(), RmsNorm()
        self.q_proj = nn.Linear(WIDTH, HEADS * HEAD, bias=False)
        self.k_proj = nn.Linear(WIDTH, KV_HEADS * HEAD, bias=False)
        self.v_proj = nn.Linear(WIDTH, KV_HEADS * HEAD, bias=False)
        self.o_proj = nn.Linear(HEADS * HEAD, WIDTH, bias=False)
        self.gate_proj = nn.Linear(WIDTH, MLP, bias=False)
        self.up_proj = nn.Linear(WIDTH, MLP, bias=False)
        self.down_proj = nn.Linear(MLP, WIDTH, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, HEADS, HEAD).transpose(1, 2)
        k = self.k_proj(h).view(b, t, KV_HEADS, HEAD).transpose(1, 2)
        v = self.v_proj(h).view(b, t, KV_HEADS, HEAD).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(HEADS // KV_HEADS, 1), v.repeat_interleave(HEADS // KV_HEADS, 1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(HEAD) + mask
        attended = (torch.softmax(scores.float(), -1).to(q.dtype) @ v).transpose(1, 2).reshape(b, t, WIDTH)
        x = x + self.o_proj(attended)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Model(nn.Module):
    def __init__(self, checkpointed):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, WIDTH)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.norm = RmsNorm()
        self.checkpointed = checkpointed
        self.inverse = 1.0 / (10000.0 ** (torch.arange(0, HEAD, 2).float() / HEAD))

    def forward(self, ids):
        t = ids.shape[1]
        angles = torch.outer(torch.arange(t).float(), self.inverse)
        both = torch.cat((angles, angles), -1)
        cos, sin = both.cos(), both.sin()
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.embed_tokens(ids)
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)  # the rotary tables in the weights' type, as Cradle's
        if self.checkpointed and not x.requires_grad:
            x.requires_grad_(True)  # as transformers' enable_input_require_grads, so the adapters get gradients
        for layer in self.layers:
            if self.checkpointed:
                x = torch.utils.checkpoint.checkpoint(layer, x, cos, sin, mask)
            else:
                x = layer(x, cos, sin, mask)
        return self.norm(x) @ self.embed_tokens.weight.T


def peak_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1


def main():
    mode = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    context = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    torch.set_num_threads(os.cpu_count())  # as Cradle: every core for intra-op threads
    torch.manual_seed(1)
    model = Model("checkpointed" in mode)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    if "bf16" in mode:
        model.to(torch.bfloat16)
    if mode.startswith("lora"):
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.layers:
            for name in ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"):
                setattr(layer, name, LoraLinear(getattr(layer, name), 8, 16, 0.05))
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4)
    ids = torch.randint(0, VOCAB, (1, context + 1))
    inputs, targets = ids[:, :-1], ids[:, 1:]
    times, loss = [], 0.0
    for step in range(steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        logits = model(inputs).float()
        l = F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))
        l.backward()
        optimizer.step()
        loss = l.item()
        if step > 0:
            times.append(time.perf_counter() - start)
    print(json.dumps({"side": "pytorch", "mode": mode, "threads": torch.get_num_threads(), "context": context,
                      "trainable": sum(p.numel() for p in trainable),
                      "step_ms": round(1000 * statistics.median(times), 1) if times else 0,
                      "peak_mib": round(peak_mib()), "loss": round(loss, 4)}))


if __name__ == "__main__":
    main()
