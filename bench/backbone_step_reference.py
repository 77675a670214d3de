#!/usr/bin/env python3
"""PyTorch reference for bench/backbone_vs_pytorch.sh: torchvision's ResNet-18
(Debian's python3-torchvision) with a 10-class head, 224x224, batch 16, SGD
with momentum 0.9, in PyTorch's best configuration here: channels-last
(oneDNN's layout; on this model it measured the same as the default, 1,329 against 1,337 ms),
every core for intra-op threads, OpenBLAS at one thread and malloc's
thresholds set by the caller's environment, bfloat16 through torch.autocast.
"frozen": only the head trains; the backbone's parameters take no gradient and
its batch norms run in evaluation mode.
Usage: backbone_step_reference.py full|frozen float32|bfloat16 [STEPS]"""
import json
import os
import statistics
import sys
import time

import torch
import torchvision


def main():
    mode, precision = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.set_num_threads(os.cpu_count())  # Debian's build starts with one intra-op thread here
    torch.manual_seed(1)
    model = torchvision.models.resnet18(num_classes=10).to(memory_format=torch.channels_last)
    model.train()
    if mode == "frozen":
        for name, p in model.named_parameters():
            p.requires_grad_(name.startswith("fc."))
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trained, lr=0.01, momentum=0.9)
    inputs = torch.randn(16, 3, 224, 224).contiguous(memory_format=torch.channels_last)
    targets = torch.randint(0, 10, (16,))
    totals, forwards, backwards = [], [], []
    for step in range(steps + 2):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16"):
            loss = torch.nn.functional.cross_entropy(model(inputs).float(), targets)
        forward = time.perf_counter() - start
        backward_start = time.perf_counter()
        loss.backward()
        backward = time.perf_counter() - backward_start
        optimizer.step()
        if step < 2:
            continue
        totals.append(time.perf_counter() - start)
        forwards.append(forward)
        backwards.append(backward)
    print(json.dumps({"impl": "pytorch", "mode": mode, "precision": precision, "threads": torch.get_num_threads(),
                      "parameters": sum(p.numel() for p in model.parameters()), "batch": 16,
                      "median_step_ms": 1000 * statistics.median(totals),
                      "forward_ms": 1000 * statistics.median(forwards),
                      "backward_ms": 1000 * statistics.median(backwards)}))


if __name__ == "__main__":
    main()
