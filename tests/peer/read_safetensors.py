#!/usr/bin/python3
"""Independent safetensors peer for ModelCost's tests, using only json + struct + torch.

The `safetensors` package is not installed here (no python3-safetensors in apt), so this follows
the format description directly: u64 little-endian header length N, N bytes of JSON, then the data.

  OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/read_safetensors.py read  FILE   # prints JSON
  OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/read_safetensors.py write FILE   # writes a fixed file
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {}) or {}
    out = {"header_len": n, "metadata": meta, "tensors": {}}
    for name, info in header.items():
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out["tensors"][name] = {"shape": list(t.shape), "values": t.to(torch.float64).flatten().tolist()}
    print(json.dumps(out))


def write(path):
    # Two tensors built with torch; the writer packs them as the reference does (sorted by name, header space-padded to 8).
    tensors = {"dense.kernel": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
               "dense.bias": torch.tensor([-1.5, 0.0, 2.25], dtype=torch.float32)}
    header, blobs, offset = {"__metadata__": {"source": "torch"}}, [], 0
    for name in sorted(tensors):
        b = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


if __name__ == "__main__":
    {"read": read, "write": write}[sys.argv[1]](sys.argv[2])
