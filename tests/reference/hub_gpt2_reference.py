#!/usr/bin/python3
"""An independent reference for GPT-2 (GPT2LMHeadModel) as the Hugging Face Hub
stores it, written in PyTorch's Python API (Debian's python3-torch) from the
published description: Radford et al. 2019 (pre-norm blocks, learned
positions, a final LayerNorm) and transformers' modeling_gpt2.py (Conv1D
weights stored [in, out]; gelu_new). Tensor names with or without the
"transformer." prefix. No transformers, no safetensors package.

    hub_gpt2_reference.py FOLDER TOKEN_IDS GREEDY_TOKENS

prints one JSON object: the logits of TOKEN_IDS (comma-separated) and the
GREEDY_TOKENS tokens a greedy continuation of them picks.
"""
import math

import torch

from hub_llama_reference import main


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    variance = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(variance + eps) * weight + bias


def gelu(x, activation):
    if activation in ("gelu_new", "gelu_pytorch_tanh"):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def conv1d(w, name, x):
    return x @ w[name + ".weight"] + w[name + ".bias"]


def forward(config, w, ids):
    hidden, heads = config["n_embd"], config["n_head"]
    head_dim = hidden // heads
    eps = config.get("layer_norm_epsilon", 1e-5)
    activation = config.get("activation_function", "gelu_new")
    p = "transformer." if "transformer.wte.weight" in w else ""
    length = len(ids)
    x = w[p + "wte.weight"][torch.tensor(ids)] + w[p + "wpe.weight"][:length]
    causal = torch.full((length, length), float("-inf")).triu(1)
    for i in range(config["n_layer"]):
        b = "%sh.%d." % (p, i)
        h = layer_norm(x, w[b + "ln_1.weight"], w[b + "ln_1.bias"], eps)
        q, k, v = conv1d(w, b + "attn.c_attn", h).split(hidden, dim=-1)
        q, k, v = (t.view(length, heads, head_dim).transpose(0, 1) for t in (q, k, v))
        scores = q @ k.transpose(1, 2) / math.sqrt(head_dim) + causal
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(length, hidden)
        x = x + conv1d(w, b + "attn.c_proj", attended)
        h = layer_norm(x, w[b + "ln_2.weight"], w[b + "ln_2.bias"], eps)
        x = x + conv1d(w, b + "mlp.c_proj", gelu(conv1d(w, b + "mlp.c_fc", h), activation))
    x = layer_norm(x, w[p + "ln_f.weight"], w[p + "ln_f.bias"], eps)
    tied = config.get("tie_word_embeddings", True)
    output = w[p + "wte.weight"] if tied else w["lm_head.weight"]
    return x @ output.T


if __name__ == "__main__":
    torch.set_num_threads(1)
    main(forward)
