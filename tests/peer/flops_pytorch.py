"""PyTorch peer for ModelCost's `Flops` convention: FLOPs of the seed MLP and CNN (seeds 000/001)
as torch 1.13's profiler counts them (torch.profiler.profile(with_flops=True)).

torch 1.13 has no torch.utils.flop_counter (it arrived in 2.1), so the profiler is the peer.
Run:  OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/flops_pytorch.py
The models mirror the Keras ones layer for layer (PyTorch is channels-first; FLOPs do not depend on it).
"""
import torch
import torch.nn as nn
from torch.profiler import profile, ProfilerActivity


def seed_mlp():
    # Keras: Flatten(28,28) -> Dense(256, relu) -> Dense(128, relu) -> Dense(10, softmax)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10), nn.Softmax(dim=1))


def seed_cnn():
    # Keras: Conv2D(16,3,relu) MaxPool(2) Conv2D(32,3,relu) MaxPool(2) Flatten Dense(64,relu) Dense(10,softmax)
    return nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 64), nn.ReLU(), nn.Linear(64, 10),
                         nn.Softmax(dim=1))


def profiled_flops(model, x):
    model.eval()
    with torch.no_grad():
        with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
            model(x)
    per_op = {}
    total = 0
    for e in prof.key_averages():
        if e.flops:
            per_op[e.key] = e.flops
            total += e.flops
    return total, per_op


if __name__ == "__main__":
    torch.manual_seed(0)
    print("torch", torch.__version__)
    for name, model, x in [("seed MLP", seed_mlp(), torch.zeros(1, 28, 28)),
                           ("seed CNN", seed_cnn(), torch.zeros(1, 1, 28, 28))]:
        total, per_op = profiled_flops(model, x)
        print(f"{name}: total FLOPs {total}  per op {per_op}")
