#!/usr/bin/python3
"""Evaluates a ModelCost-exported model with PyTorch, independently of the C# engine.

  OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/eval_exported.py MODEL.safetensors IMAGES.gz LABELS.gz START COUNT OP ...

OPs, applied in order to images of shape (N, 28, 28, 1) scaled by /255 (channels last, as Keras):
  conv:NAME:ACT   Conv2D 'valid', stride 1; kernel stored (kh, kw, cin, cout) -> torch (cout, cin, kh, kw)
  pool:K          MaxPooling2D(K)
  flatten         Keras flattens channels last, so NHWC order is kept
  dense:NAME:ACT  kernel stored (in, out): y = x @ kernel + bias
ACT is relu, softmax or linear. Weights are read with json + struct + torch.frombuffer (no safetensors package).
Prints {"accuracy": ..., "loss": ..., "correct": ...}; loss is the mean sparse categorical cross-entropy of the softmax output.
"""
import gzip
import json
import struct
import sys

import torch
import torch.nn.functional as F


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
        return torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(count, rows, cols, 1)
    return torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).long()


def act(x, a):
    return torch.relu(x) if a == "relu" else x  # softmax is folded into the loss / argmax below


def main(model, images, labels, start, count, *ops):
    start, count = int(start), int(count)
    w = tensors(model)
    x = (idx(images)[start:start + count].double() / 255.0).float()  # (N, H, W, C)
    y = idx(labels)[start:start + count]
    for op in ops:
        parts = op.split(":")
        if parts[0] == "conv":
            k = w[parts[1] + ".kernel"].permute(3, 2, 0, 1).contiguous()
            x = F.conv2d(x.permute(0, 3, 1, 2), k, w[parts[1] + ".bias"]).permute(0, 2, 3, 1)
            x = act(x, parts[2])
        elif parts[0] == "pool":
            x = F.max_pool2d(x.permute(0, 3, 1, 2), int(parts[1])).permute(0, 2, 3, 1)
        elif parts[0] == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif parts[0] == "dense":
            x = act(x @ w[parts[1] + ".kernel"] + w[parts[1] + ".bias"], parts[2])
        else:
            raise SystemExit("unknown op " + op)
    logp = torch.log_softmax(x.double(), dim=1)
    loss = -logp[torch.arange(count), y].mean().item()
    correct = int((x.argmax(dim=1) == y).sum().item())
    print(json.dumps({"accuracy": correct / count, "loss": loss, "correct": correct}))


if __name__ == "__main__":
    main(*sys.argv[1:])
