#!/usr/bin/python3
"""PyTorch/OpenBLAS peer for SGEMM: times torch.mm at n x n x n (default 2048) on one thread.

Run:  OMP_NUM_THREADS=1 /usr/bin/python3 tests/Benchmarks/peer/sgemm_peer.py [n] [repeats]
Prints one line: `sgemm n=<n> threads=1 gflops=<best GFLOP/s> seconds=<best seconds> blas=<core>`.
OPENBLAS_CORETYPE=SkylakeX only helps where the CPU has AVX-512 (elsewhere it dies with SIGILL);
the runner sets it only when /proc/cpuinfo lists avx512f and otherwise lets OpenBLAS detect the core.
"""
import os
import sys
import time

import torch


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(42)
    a = torch.rand(n, n, generator=g) - 0.5
    b = torch.rand(n, n, generator=g) - 0.5
    c = torch.empty(n, n)
    torch.mm(a, b, out=c)  # warm-up: thread pool, page faults
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        best = min(best, time.perf_counter() - t0)
    gflops = 2.0 * n * n * n / best / 1e9
    core = os.environ.get("OPENBLAS_CORETYPE", "auto")
    print(f"sgemm n={n} threads=1 gflops={gflops:.1f} seconds={best:.4f} blas=openblas:{core}")


if __name__ == "__main__":
    main()
