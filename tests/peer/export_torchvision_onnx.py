"""Exports torchvision's ResNet-18, ResNet-50, VGG-16 and MobileNetV2 (random weights: counts depend only on
shapes) to ONNX at 1x3x224x224, and two small LSTM/GRU sequence classifiers at 1x28x28, with Debian's torch 1.13
and nothing else, for the ONNX import peer test (tests/ModelCost.Core.Tests/Onnx/TorchvisionOnnxTests.cs).

BatchNormalization is kept as its own node (training=PRESERVE on a model in eval mode): torch's default
EVAL export folds it into the preceding Conv, which changes the parameter count (2c of gamma/beta
becomes c of conv bias). Each model is exported at a different opset to cover the range we read.

Run:  /usr/bin/python3 tests/peer/export_torchvision_onnx.py OUT_DIR
Prints one line per model: name, file, opset, parameters (sum of p.numel()).
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision.models as tvm

MODELS = [("resnet18", tvm.resnet18, 11), ("resnet50", tvm.resnet50, 13),
          ("vgg16", tvm.vgg16, 17), ("mobilenet_v2", tvm.mobilenet_v2, 14)]


class RnnClassifier(nn.Module):
    """A sequence classifier over 28 steps of 28 features (Fashion-MNIST rows): one recurrent layer, then Linear(64, 10)
    on the last hidden state h_n[-1]."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(28, 64, batch_first=True)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        _, h = self.rnn(x)
        h_n = h[0] if isinstance(h, tuple) else h
        return self.fc(h_n[-1])


RNNS = [("lstm_classifier", nn.LSTM, 14), ("gru_classifier", nn.GRU, 12)]


class AttentionClassifier(nn.Module):
    """One head of self-attention over 16 positions of width 32, written out (Linear q/k/v, q·kᵀ / √32, softmax,
    p·v, Linear out), a residual add, exact GELU, mean over positions, Linear(32, 10)."""

    def __init__(self, width=32):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))
        self.fc = nn.Linear(width, 10)
        self.scale = width ** 0.5

    def forward(self, x):
        scores = self.q(x) @ self.k(x).transpose(1, 2) / self.scale
        context = torch.softmax(scores, dim=-1) @ self.v(x)
        h = nn.functional.gelu(x + self.o(context))
        return self.fc(h.mean(dim=1))


class TinyTransformer(nn.Module):
    """A pre-LN transformer classifier over 16 token ids (vocabulary 100, width 32, 4 heads of 8, MLP 128): token
    embedding + learned positions, LayerNorm, multi-head attention written out (view/transpose head split), GELU MLP,
    the first position's vector (BERT's [CLS]), Linear(32, 10)."""

    def __init__(self, vocab=100, length=16, width=32, heads=4):
        super().__init__()
        self.heads = heads
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.zeros(1, length, width))
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))
        self.up, self.down = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.fc = nn.Linear(width, 10)

    def split(self, t):
        b, n, w = t.shape
        return t.view(b, n, self.heads, w // self.heads).transpose(1, 2)

    def forward(self, ids):
        x = self.tok(ids) + self.pos
        h = self.ln1(x)
        q, k, v = self.split(self.q(h)), self.split(self.k(h)), self.split(self.v(h))
        p = torch.softmax(q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5), dim=-1)
        b, heads, n, d = q.shape
        x = x + self.o((p @ v).transpose(1, 2).reshape(b, n, heads * d))
        x = x + self.down(nn.functional.gelu(self.up(self.ln2(x))))
        return self.fc(x[:, 0])


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    x = torch.zeros(1, 3, 224, 224)
    only = set(sys.argv[2:])
    for name, ctor, opset in MODELS:
        if only and name not in only:
            continue
        model = ctor().eval()
        path = os.path.join(out_dir, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
        params = sum(p.numel() for p in model.parameters())
        print(f"{name} {path} opset {opset} params {params}", flush=True)
    for name, cell, opset in RNNS:
        if only and name not in only:
            continue
        model = RnnClassifier(cell).eval()
        path = os.path.join(out_dir, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 28, 28), path, opset_version=opset, input_names=["input"], output_names=["logits"])
        params = sum(p.numel() for p in model.parameters())
        print(f"{name} {path} opset {opset} params {params}", flush=True)
    if not only or "attention_classifier" in only:
        model = AttentionClassifier().eval()
        path = os.path.join(out_dir, "attention_classifier.onnx")
        torch.onnx.export(model, torch.zeros(1, 16, 32), path, opset_version=17, input_names=["input"], output_names=["logits"])
        params = sum(p.numel() for p in model.parameters())
        print(f"attention_classifier {path} opset 17 params {params}", flush=True)
    if not only or "tiny_transformer" in only:
        model = TinyTransformer().eval()
        path = os.path.join(out_dir, "tiny_transformer.onnx")
        torch.onnx.export(model, torch.zeros(1, 16, dtype=torch.long), path, opset_version=17, input_names=["ids"], output_names=["logits"])
        params = sum(p.numel() for p in model.parameters())
        print(f"tiny_transformer {path} opset 17 params {params}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
