#!/usr/bin/python3
"""PyTorch peer for the seed 000 models (Fashion-MNIST MLP and CNN).

Trains one model with the seed's Keras set-up - 5 epochs, batch 64, Adam (Keras defaults: lr 1e-3,
beta1 0.9, beta2 0.999, epsilon 1e-7), sparse categorical cross-entropy, validation split 0.1 (the
last 10 % of the training set, as Keras takes it), reshuffled every epoch, Glorot-uniform kernels
and zero biases - then measures batch-1 inference latency, batch-1000 throughput and the process's
peak resident memory (VmHWM) at the end of training. Prints one JSON object.

--model resnet18 is the speed issue's bigger workload: torchvision's resnet18(num_classes=10) adapted to
32x32x3 (conv1 = 3x3 stride 1, no max-pool; examples/specs/resnet18_cifar.yaml), random data: the median
time of one training step at batch 64 (after warm-up steps), batch-1 latency and VmHWM.

Batch-1 latency is measured with 1 thread and with --threads, and the faster is reported (the peer at
its best; `latency_threads` says which).

Run:  OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tests/Benchmarks/peer/train_peer.py --model mlp|cnn|resnet18
      [--epochs 5] [--batch-size 64] [--seed 42] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
One model per process, so VmHWM belongs to that model alone.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, offset):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    def find(stem):
        for name in (stem + ".gz", stem):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(os.path.join(data_dir, stem + ".gz"))
    x = read_idx(find(f"{prefix}-images-idx3-ubyte"), 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte"), 8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def build(kind):
    if kind == "resnet18":
        import torchvision
        model = torchvision.models.resnet18(num_classes=10)
        model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
        return model
    if kind == "mlp":
        # Flatten(28, 28) -> Dense(256, relu) -> Dense(128, relu) -> Dense(10, softmax)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        # Conv2D(16, 3, relu) -> MaxPool(2) -> Conv2D(32, 3, relu) -> MaxPool(2) -> Flatten -> Dense(64, relu) -> Dense(10, softmax)
        model = nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10))
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)  # Keras glorot_uniform: same fans for dense and conv kernels
            nn.init.zeros_(m.bias)
    return model  # softmax is fused into the loss (CrossEntropyLoss on logits)


def evaluate(model, x, y, batch):
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i:i + batch])
            total += loss_fn(out, y[i:i + batch]).item()
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return total / len(x), correct / len(x)


def vm_hwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def latency(model, one, iterations):
    """Median and 90th percentile of one forward pass (µs), after 100 warm-up passes."""
    with torch.inference_mode():
        for _ in range(100):
            model(one)
        times = []
        for _ in range(iterations):
            s = time.perf_counter_ns()
            model(one)
            times.append(time.perf_counter_ns() - s)
    times.sort()
    return times[len(times) // 2] / 1000.0, times[int(len(times) * 0.9)] / 1000.0


def best_latency(model, one, iterations, threads):
    """Batch 1 on 1 thread and on `threads`: the peer at its best is the faster of the two."""
    best = None
    for t in sorted({1, threads}):
        torch.set_num_threads(t)
        median, p90 = latency(model, one, iterations)
        if best is None or median < best[0]:
            best = (median, p90, t)
    torch.set_num_threads(threads)
    return best


def resnet_step(args):
    model = build("resnet18")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(args.seed)
    x = torch.rand(args.batch_size, 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (args.batch_size,), generator=g)
    times = []
    for step in range(args.steps + 3):  # 3 warm-up steps (allocator, oneDNN primitive caches)
        s = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if step >= 3:
            times.append(time.perf_counter() - s)
    times.sort()
    peak_mib = vm_hwm_mib()
    model.eval()
    median_us, p90_us, latency_threads = best_latency(model, x[:1], max(50, args.latency_iterations // 10), args.threads)
    print(json.dumps({
        "engine": "pytorch " + torch.__version__, "model": "resnet18", "threads": args.threads,
        "batch_size": args.batch_size, "steps": args.steps, "step_seconds": times[len(times) // 2],
        "latency_b1_median_us": median_us, "latency_b1_p90_us": p90_us, "latency_threads": latency_threads,
        "peak_rss_mib": peak_mib,
    }))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "cnn", "resnet18"], required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")))
    ap.add_argument("--data", default=os.environ.get("MODELCOST_DATA", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--latency-iterations", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=10, help="resnet18: timed training steps")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.model == "resnet18":
        return resnet_step(args)
    x_all, y_all = load(args.data, "train")
    x_test, y_test = load(args.data, "test")
    if args.model == "mlp":
        x_all, x_test = x_all.reshape(-1, 28, 28), x_test.reshape(-1, 28, 28)
    n_train = int(len(x_all) * (1 - 0.1))  # Keras: validation = last 10 %, before shuffling
    x_train, y_train, x_val, y_val = x_all[:n_train], y_all[:n_train], x_all[n_train:], y_all[n_train:]

    model = build(args.model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    history = []
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        perm = torch.randperm(n_train, generator=gen)
        seen, loss_sum, correct = 0, 0.0, 0
        for i in range(0, n_train, args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            seen += len(idx)
        val_loss, val_acc = evaluate(model, x_val, y_val, args.batch_size)  # Keras validates at the fit batch size
        history.append({"epoch": epoch + 1, "loss": loss_sum / seen, "accuracy": correct / seen, "val_loss": val_loss, "val_accuracy": val_acc})
    train_seconds = time.perf_counter() - t0
    peak_mib = vm_hwm_mib()
    test_loss, test_acc = evaluate(model, x_test, y_test, 1000)

    model.eval()
    median_us, p90_us, latency_threads = best_latency(model, x_test[:1], args.latency_iterations, args.threads)
    with torch.inference_mode():
        for i in range(0, len(x_test), 1000):
            model(x_test[i:i + 1000])
        s = time.perf_counter()
        passes = 3
        for _ in range(passes):
            for i in range(0, len(x_test), 1000):
                model(x_test[i:i + 1000])
        throughput = passes * len(x_test) / (time.perf_counter() - s)

    print(json.dumps({
        "engine": "pytorch " + torch.__version__, "model": args.model, "threads": args.threads,
        "epochs": args.epochs, "batch_size": args.batch_size, "seed": args.seed,
        "train_seconds": train_seconds, "test_accuracy": test_acc, "test_loss": test_loss,
        "val_accuracy": history[-1]["val_accuracy"], "history": history,
        "latency_b1_median_us": median_us, "latency_b1_p90_us": p90_us, "latency_threads": latency_threads,
        "throughput_b1000_per_s": throughput, "peak_rss_mib": peak_mib,
    }))


if __name__ == "__main__":
    sys.exit(main())
