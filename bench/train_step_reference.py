#!/usr/bin/env python3
"""PyTorch reference for bench/train_vs_pytorch.sh: the same models, batches,
optimizer and precision as bench/train_step_bench.cpp, in PyTorch's Python API
(Debian's python3-torch) in its best configuration here: every core for
intra-op threads, OpenBLAS at one thread (set by the caller's environment),
bfloat16 through torch.autocast.
Usage: train_step_reference.py cnn|gpt float32|bfloat16 [STEPS]"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fashion_cnn(m):
    """Cradle's cnn: per block conv (no bias with batch norm), norm, activation, 2x2 max pool; dense head."""
    layers, channels, size = [], 1, 28
    for out in m["conv_channels"]:
        layers += [nn.Conv2d(channels, out, m["kernel_size"], padding=m["kernel_size"] // 2, bias=not m["batch_norm"])]
        if m["batch_norm"]:
            layers.append(nn.BatchNorm2d(out))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
        channels, size = out, size // 2
    layers.append(nn.Flatten())
    if m["dropout"] > 0:
        layers.append(nn.Dropout(m["dropout"]))
    width = channels * size * size
    for hidden in m["hidden"]:
        layers.append(nn.Linear(width, hidden))
        if m["batch_norm"]:
            layers.append(nn.BatchNorm1d(hidden))
        layers.append(nn.ReLU())
        if m["dropout"] > 0:
            layers.append(nn.Dropout(m["dropout"]))
        width = hidden
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, width, heads, dropout):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.projection = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.expand, self.contract = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.attention_dropout, self.output_dropout, self.dropout = (nn.Dropout(dropout) for _ in range(3))

    def attend(self, x):
        b, t, c = x.shape
        q, k, v = (p.view(b, t, self.heads, c // self.heads).transpose(1, 2) for p in self.qkv(x).chunk(3, 2))
        scores = q @ k.transpose(2, 3) / math.sqrt(c // self.heads)
        future = torch.ones(t, t, dtype=torch.bool).triu(1)
        weights = self.attention_dropout(torch.softmax(scores.masked_fill(future, float("-inf")), 3))
        return self.output_dropout(self.projection((weights @ v).transpose(1, 2).contiguous().view(b, t, c)))

    def forward(self, x):
        h = x + self.attend(self.norm1(x))
        return h + self.dropout(self.contract(F.gelu(self.expand(self.norm2(h)))))


class Gpt(nn.Module):
    def __init__(self, m, vocab, context):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(vocab, m["width"]), nn.Embedding(context, m["width"])
        self.drop = nn.Dropout(m["dropout"])
        self.blocks = nn.Sequential(*(Block(m["width"], m["heads"], m["dropout"]) for _ in range(m["layers"])))
        self.norm = nn.LayerNorm(m["width"])

    def forward(self, ids):
        x = self.drop(self.tokens(ids) + self.positions(torch.arange(ids.shape[1])))
        return self.norm(self.blocks(x)) @ self.tokens.weight.t()  # tied output


def optimizer_for(model, t):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": t["weight_decay"]}, {"params": rest, "weight_decay": 0.0}]
    kind = torch.optim.AdamW if t["optimizer"] == "adamw" else torch.optim.Adam
    # foreach: one multi-tensor update per group, and gradients set to None rather than
    # zeroed (PyTorch 2's defaults), measured here as PyTorch's fastest settings.
    return kind(groups, lr=t["lr"], betas=tuple(t["betas"]), eps=t["eps"], foreach=True)


def main():
    kind, precision = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    torch.set_num_threads(os.cpu_count())
    project = "fortunes-gpt" if kind == "gpt" else "fashion-mnist"
    e = json.load(open(os.path.join(ROOT, "projects", project, "experiment.json")))
    torch.manual_seed(1)
    if kind == "gpt":
        vocab, context, batch = 2000, e["data"]["context_length"], 12
        model, classes = Gpt(e["model"], vocab, context), vocab
        inputs, targets = torch.randint(0, vocab, (batch, context)), torch.randint(0, vocab, (batch, context))
    else:
        batch = e["train"]["batch_size"]
        # Channels-last (NHWC) memory, as Cradle lays out image models: 1.4x faster here than NCHW.
        model, classes = fashion_cnn(e["model"]).to(memory_format=torch.channels_last), 10
        # empty(memory_format=...): with one channel .contiguous(memory_format=...) keeps NCHW strides.
        inputs = torch.empty(batch, 1, 28, 28, memory_format=torch.channels_last).copy_(torch.randn(batch, 1, 28, 28))
        targets = torch.randint(0, 10, (batch,))
    model.train()
    optimizer = optimizer_for(model, e["train"])
    times = []
    for step in range(steps + 5):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16"):
            out = model(inputs)
            loss = F.cross_entropy(out.reshape(-1, classes).float(), targets.reshape(-1))
        loss.backward()
        optimizer.step()
        if step >= 5:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({"impl": "pytorch", "model": kind, "precision": precision, "threads": torch.get_num_threads(),
                      "parameters": sum(p.numel() for p in model.parameters()), "batch": batch,
                      "median_step_ms": round(median * 1000, 3), "samples_per_s": round(batch / median, 1)}))


if __name__ == "__main__":
    main()
