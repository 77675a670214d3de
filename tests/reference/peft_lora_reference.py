#!/usr/bin/python3
"""An independent reference for LoRA adapters in Hugging Face peft's layout,
written from peft's published description (tuners/lora/config.py and
layer.py, utils/save_and_load.py) with Debian's python3-torch; no peft, no
safetensors package.

    peft_lora_reference.py write MODEL_FOLDER ADAPTER_FOLDER RANK ALPHA TARGETS SEED [rslora]
        writes a random adapter for the model folder as peft saves one:
        adapter_config.json and adapter_model.safetensors with the keys
        base_model.model.<module>.lora_A.weight [r, in] / .lora_B.weight [out, r].
        TARGETS: comma-separated module names (peft's target_modules list).
    peft_lora_reference.py logits MODEL_FOLDER ADAPTER_FOLDER TOKEN_IDS GREEDY_TOKENS
        folds the adapter into the weights as peft's merge does
        (W += scaling * B @ A, transposed for GPT-2's Conv1D, scaling
        lora_alpha / r or lora_alpha / sqrt(r) with use_rslora) and prints the
        logits and greedy tokens as hub_llama_reference.py does.
"""
import json
import math
import os
import struct
import sys

import torch

import hub_gpt2_reference
import hub_llama_reference
from hub_llama_reference import logits_and_greedy, read_safetensors, read_weights

PROJECTIONS = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "c_attn", "c_proj", "c_fc"}


def is_gpt2(config):
    return config.get("model_type") == "gpt2"


def write_safetensors(path, tensors):
    header, offset, body = {}, 0, bytearray()
    for name, tensor in tensors.items():
        data = tensor.contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        body += data
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(body))


def write(model_folder, adapter_folder, rank, alpha, targets, seed, rslora):
    with open(os.path.join(model_folder, "config.json")) as f:
        config = json.load(f)
    weights = read_weights(model_folder)
    generator = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, weight in sorted(weights.items()):
        module = name[: -len(".weight")]
        if not name.endswith(".weight") or module.split(".")[-1] not in targets or weight.dim() != 2:
            continue
        if not module.startswith("transformer.") and is_gpt2(config):
            module = "transformer." + module
        fan_in, fan_out = (weight.shape[0], weight.shape[1]) if is_gpt2(config) else (weight.shape[1], weight.shape[0])
        tensors["base_model.model." + module + ".lora_A.weight"] = torch.randn(rank, fan_in, generator=generator) * 0.2
        tensors["base_model.model." + module + ".lora_B.weight"] = torch.randn(fan_out, rank, generator=generator) * 0.2
    os.makedirs(adapter_folder, exist_ok=True)
    write_safetensors(os.path.join(adapter_folder, "adapter_model.safetensors"), tensors)
    adapter_config = {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": model_folder,
        "r": rank, "lora_alpha": alpha, "lora_dropout": 0.05, "target_modules": targets,
        "fan_in_fan_out": is_gpt2(config), "bias": "none", "use_rslora": rslora, "modules_to_save": None,
        "init_lora_weights": True, "inference_mode": True, "use_dora": False, "rank_pattern": {}, "alpha_pattern": {},
        "layers_to_transform": None, "layers_pattern": None, "revision": None,
    }
    with open(os.path.join(adapter_folder, "adapter_config.json"), "w") as f:
        json.dump(adapter_config, f, indent=2)


def fold(config, weights, adapter_folder):
    with open(os.path.join(adapter_folder, "adapter_config.json")) as f:
        adapter = json.load(f)
    rank, alpha = adapter["r"], adapter["lora_alpha"]
    scaling = alpha / math.sqrt(rank) if adapter.get("use_rslora") else alpha / rank
    tensors = read_safetensors(os.path.join(adapter_folder, "adapter_model.safetensors"))
    prefix = "base_model.model."
    for key, a in tensors.items():
        if not key.endswith(".lora_A.weight"):
            continue
        module = key[len(prefix): -len(".lora_A.weight")]
        b = tensors[key.replace(".lora_A.", ".lora_B.")]
        delta = scaling * (b @ a)  # [out, in]
        name = module + ".weight"
        if name not in weights and module.startswith("transformer."):
            name = module[len("transformer."):] + ".weight"
        if is_gpt2(config):
            delta = delta.T  # fan_in_fan_out: Conv1D stores [in, out]
        weights[name] = weights[name] + delta


def logits(model_folder, adapter_folder, ids_text, greedy_count):
    with open(os.path.join(model_folder, "config.json")) as f:
        config = json.load(f)
    weights = read_weights(model_folder)
    if adapter_folder != "-":
        fold(config, weights, adapter_folder)
    forward = hub_gpt2_reference.forward if is_gpt2(config) else hub_llama_reference.forward
    logits_and_greedy(forward, config, weights, [int(t) for t in ids_text.split(",")], greedy_count)


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6].split(","), int(sys.argv[7]),
              len(sys.argv) > 8 and sys.argv[8] == "rslora")
    else:
        logits(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
