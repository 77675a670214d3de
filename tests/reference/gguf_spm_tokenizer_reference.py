#!/usr/bin/python3
"""llama.cpp's sentencepiece-style tokenizer (tokenizer.ggml.model "llama"),
written from its published description (llama-vocab.cpp's llm_tokenizer_spm,
after sentencepiece's BPE): the text gets a leading space where
tokenizer.ggml.add_space_prefix says so, spaces become U+2581, the text is cut
into UTF-8 characters, and the adjacent pair whose joined text is a token with
the highest score is joined first (the leftmost among equal scores) until no
pair joins; a piece that is not a token falls back to its bytes' <0xNN>
tokens. Nothing here comes from Cradle: it reads the file with
gguf_reference.py's reader.

    gguf_spm_tokenizer_reference.py FILE.gguf TEXTS.jsonl

prints one JSON list of ids per text (texts without special tokens).
"""
import heapq
import json
import sys

from gguf_reference import read_gguf


def tokenize(text, vocab, scores, add_space_prefix):
    if not text:
        return []
    text = (" " + text if add_space_prefix else text).replace(" ", "\u2581")
    symbols = list(text)  # Python strings are code points: one UTF-8 character each
    alive = [True] * len(symbols)
    left = list(range(-1, len(symbols) - 1))
    right = list(range(1, len(symbols) + 1))
    queue = []

    def offer(a, b):
        if a < 0 or b >= len(symbols):
            return
        joined = symbols[a] + symbols[b]
        if joined in vocab:  # highest score first, then the leftmost
            heapq.heappush(queue, (-scores[vocab[joined]], a, symbols[a], symbols[b]))

    for i in range(len(symbols) - 1):
        offer(i, i + 1)
    while queue:
        _, a, left_text, right_text = heapq.heappop(queue)
        b = right[a] if alive[a] else len(symbols)
        if b >= len(symbols) or symbols[a] != left_text or symbols[b] != right_text:
            continue  # stale: one side has been joined since
        symbols[a] += symbols[b]
        alive[b] = False
        right[a] = right[b]
        if right[b] < len(symbols):
            left[right[b]] = a
        offer(left[a], a)
        offer(a, right[a])
    ids = []
    i = 0
    while i < len(symbols):
        piece = symbols[i]
        if piece in vocab:
            ids.append(vocab[piece])
        else:
            ids.extend(vocab["<0x%02X>" % byte] for byte in piece.encode("utf-8"))
        i = right[i]
    return ids


def main():
    metadata, _, _ = read_gguf(sys.argv[1])
    assert metadata["tokenizer.ggml.model"] == "llama", metadata["tokenizer.ggml.model"]
    tokens, types = metadata["tokenizer.ggml.tokens"], metadata["tokenizer.ggml.token_type"]
    vocab = {token: i for i, token in enumerate(tokens) if types[i] in (1, 2, 6)}  # normal, unknown, byte
    scores = metadata["tokenizer.ggml.scores"]
    add_space_prefix = metadata.get("tokenizer.ggml.add_space_prefix", True)
    with open(sys.argv[2], encoding="utf-8") as f:
        texts = [json.loads(line) for line in f if line.strip()]
    print(json.dumps([tokenize(text, vocab, scores, add_space_prefix) for text in texts]))


if __name__ == "__main__":
    main()
