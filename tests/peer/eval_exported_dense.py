#!/usr/bin/python3
"""Evaluates a ModelCost-exported Dense stack with PyTorch, independently of the C# engine.

  OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/eval_exported_dense.py MODEL.safetensors IMAGES.gz LABELS.gz START COUNT LAYER:ACT ...

Weights are read with tests/peer/read_safetensors.py's approach (json + struct + torch.frombuffer);
kernels are in Keras layout (in, out), so y = x @ kernel + bias. Images are IDX (gzip), scaled by /255.
Prints {"accuracy": ..., "loss": ..., "correct": ...} with loss = mean sparse categorical cross-entropy.
"""
import gzip
import json
import struct
import sys

import torch


def tensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    return {k: torch.frombuffer(bytearray(data[v["data_offsets"][0]:v["data_offsets"][1]]), dtype=torch.float32).reshape(v["shape"])
            for k, v in header.items()}


def idx(path):
    raw = gzip.open(path).read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(count, rows * cols)
    return torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).long()


def main(model, images, labels, start, count, *layers):
    start, count = int(start), int(count)
    w = tensors(model)
    x = idx(images)[start:start + count].double() / 255.0
    y = idx(labels)[start:start + count]
    x = x.float()
    for spec in layers:
        name, act = spec.split(":")
        x = x @ w[name + ".kernel"] + w[name + ".bias"]
        if act == "relu":
            x = torch.relu(x)
    logp = torch.log_softmax(x.double(), dim=1)  # last layer is softmax: evaluate its cross-entropy stably
    loss = -logp[torch.arange(count), y].mean().item()
    correct = int((x.argmax(dim=1) == y).sum().item())
    print(json.dumps({"accuracy": correct / count, "loss": loss, "correct": correct}))


if __name__ == "__main__":
    main(*sys.argv[1:])
