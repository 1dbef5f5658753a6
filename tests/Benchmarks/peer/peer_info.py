#!/usr/bin/python3
"""What the PyTorch peer really runs on: the BLAS library and the OpenBLAS core (kernel set) it picked,
oneDNN's ISA and the implementations it chose for the seed CNN's convolutions, ATen's CPU capability.

Run with the peer's environment:  OMP_NUM_THREADS=2 DNNL_VERBOSE=1 /usr/bin/python3 tests/Benchmarks/peer/peer_info.py
Prints one JSON object on its last line (oneDNN's verbose lines come before it).
"""
import ctypes
import json
import os
import re

import torch
from torch import nn


def blas():
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {"blas_library": path, "blas_core": lib.openblas_get_corename().decode(),
                    "blas_config": lib.openblas_get_config().decode().strip()}
        except (OSError, AttributeError):
            continue
    return {"blas_library": ", ".join(paths) or "none found", "blas_core": "unknown", "blas_config": ""}


def main():
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE", ""),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}
    info.update(blas())
    m = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    info["aten_cpu_capability"] = m.group(1) if m else "unknown"
    info["mkldnn"] = torch.backends.mkldnn.is_available()
    # One forward + backward of the seed CNN's second convolution: oneDNN prints the implementation it picked.
    conv = nn.Conv2d(16, 32, 3)
    conv(torch.randn(64, 16, 13, 13, requires_grad=True)).sum().backward()
    print(json.dumps(info))


if __name__ == "__main__":
    main()
