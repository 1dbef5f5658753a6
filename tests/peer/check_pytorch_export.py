#!/usr/bin/python3
"""Peer checks of files written by Export-ModelSpec -Format PyTorch, run by the xunit tests in
tests/ModelCost.Core.Tests/Export. Uses only the generated file (which needs only torch).

  /usr/bin/python3 tests/peer/check_pytorch_export.py counts MODEL.py [MODEL.py ...]
      one JSON line per file: trainable parameter and buffer element counts of Model()
  /usr/bin/python3 tests/peer/check_pytorch_export.py forward MODEL.py WEIGHTS.safetensors INPUTS.f32 N OUTPUTS.f32 [RESAVED.safetensors]
      loads the weights with the file's own reader, runs N samples (float32, channels last) in eval mode,
      writes the outputs as float32; optionally writes the weights back with the file's own writer
"""
import ctypes
import importlib.util
import json
import sys

import torch


def load(path):
    spec = importlib.util.spec_from_file_location("exported_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counts(paths):
    for path in paths:
        m = load(path)
        model = m.Model()
        print(json.dumps({
            "file": path,
            "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "buffers": sum(b.numel() for b in model.buffers()),
            "weights": len(m.WEIGHTS),
            "input_shape": list(m.INPUT_SHAPE),
        }), flush=True)


def forward(path, weights, inputs, n, out, resaved=None):
    m = load(path)
    model = m.load_weights(m.Model(), weights).eval()
    with open(inputs, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape((n,) + tuple(m.INPUT_SHAPE))
    with torch.no_grad():
        y = model(x).contiguous()
    with open(out, "wb") as f:
        f.write(ctypes.string_at(y.data_ptr(), y.numel() * 4))
    if resaved:
        m.save_weights(model, resaved)
    print(json.dumps({"output_shape": list(y.shape)}), flush=True)


if __name__ == "__main__":
    torch.set_num_threads(2)
    if sys.argv[1] == "counts":
        counts(sys.argv[2:])
    elif sys.argv[1] == "forward":
        forward(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7] if len(sys.argv) > 7 else None)
    else:
        raise SystemExit("usage: counts MODEL.py ... | forward MODEL.py WEIGHTS INPUTS N OUTPUTS [RESAVED]")
