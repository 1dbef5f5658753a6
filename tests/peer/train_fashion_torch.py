#!/usr/bin/env python3
"""PyTorch peer for the engine's seed-000 runs: same models, Adam (lr 1e-3, eps 1e-7 as Keras),
batch 64, validation = last 10% of the training set, 5 epochs on Fashion-MNIST. Prints seconds
per epoch and test accuracy so the C# figures can be compared under the same machine load.

Run: OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tests/peer/train_fashion_torch.py [mlp|cnn|both] [epochs]
"""
import gzip, struct, sys, time
import numpy as np
import torch
import torch.nn as nn

DIR = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows, cols).astype(np.float32) / 255.0
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def models():
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(800, 64), nn.ReLU(), nn.Linear(64, 10))
    return {"mlp": mlp, "cnn": cnn}


def run(name, model, epochs):
    torch.manual_seed(0)
    xtr, ytr = idx(f"{DIR}/train-images-idx3-ubyte.gz"), idx(f"{DIR}/train-labels-idx1-ubyte.gz")
    xte, yte = idx(f"{DIR}/t10k-images-idx3-ubyte.gz"), idx(f"{DIR}/t10k-labels-idx1-ubyte.gz")
    if name == "cnn":
        xtr, xte = xtr[:, None], xte[:, None]
    split = int(len(xtr) * 0.9)
    xt, yt = torch.from_numpy(xtr[:split].copy()), torch.from_numpy(ytr[:split].copy())
    xte_t, yte_t = torch.from_numpy(xte.copy()), torch.from_numpy(yte.copy())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xt))
        for b in range(0, len(xt), 64):
            idx_b = perm[b:b + 64]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx_b]), yt[idx_b])
            loss.backward()
            opt.step()
        dt = time.perf_counter() - t0
        total += dt
        print(f"{name} epoch {epoch}: {dt:.2f}s (train loop only)", flush=True)
    model.eval()
    with torch.no_grad():
        acc = (model(xte_t).argmax(1) == yte_t).float().mean().item()
    print(f"{name}: {total:.2f}s for {epochs} epochs ({total / epochs:.2f} s/epoch), test accuracy {acc:.4f}, threads {torch.get_num_threads()}")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for name, model in models().items():
        if which in (name, "both"):
            run(name, model, epochs)
