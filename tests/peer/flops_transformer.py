"""PyTorch peer for ModelCost's `Flops` convention on transformers: torch 1.13's profiler
(torch.profiler.profile(with_flops=True)) on torch.nn models written to match examples/specs/gpt2_small.yaml,
examples/specs/bert_base.yaml and a small causal model, layer for layer (Keras semantics: q, k, v, output
projections with biases, query scaled by 1/sqrt(key_dim), softmax over keys, pre-LN GPT-2 / post-LN BERT blocks,
GELU feed-forward, BERT's tanh pooler on position 0).

Prints one JSON object per model: parameter count, total profiler FLOPs and FLOPs per aten op. The profiler
counts aten::addmm / aten::mm / aten::bmm at 2 per multiply-accumulate and aten::add / aten::mul at 1 per output
element; layer_norm, softmax, gelu, tanh, embedding and masked_fill count 0.
Run:  OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/flops_transformer.py [small]
"""
import json
import math
import sys

import torch
import torch.nn as nn
from torch.profiler import profile, ProfilerActivity


class Attention(nn.Module):
    def __init__(self, d, heads, causal):
        super().__init__()
        self.h, self.kd, self.causal = heads, d // heads, causal
        self.query, self.key, self.value, self.output = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x):
        b, n, _ = x.shape
        split = lambda t: t.view(b, n, self.h, self.kd).transpose(1, 2)
        q = split(self.query(x)) * (1.0 / math.sqrt(self.kd))   # Keras scales the query (aten::mul)
        k, v = split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2))           # aten::bmm
        if self.causal:
            scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
        context = torch.matmul(scores.softmax(-1), v)           # aten::bmm
        return self.output(context.transpose(1, 2).reshape(b, n, self.h * self.kd))


class Block(nn.Module):
    """KerasNLP TransformerEncoder/Decoder: normalize_first (GPT-2) or post-LN (BERT)."""

    def __init__(self, d, heads, inner, causal, pre, eps):
        super().__init__()
        self.pre = pre
        self.attention = Attention(d, heads, causal)
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=eps), nn.LayerNorm(d, eps=eps)
        self.ffn = nn.Sequential(nn.Linear(d, inner), nn.GELU(), nn.Linear(inner, d))

    def forward(self, x):
        if self.pre:
            x = x + self.attention(self.ln1(x))
            return x + self.ffn(self.ln2(x))
        x = self.ln1(x + self.attention(x))
        return self.ln2(x + self.ffn(x))


class Gpt(nn.Module):
    def __init__(self, vocab, positions, d, heads, inner, layers):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Block(d, heads, inner, True, True, 1e-5) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d, eps=1e-5)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.ln_f(x)


class Bert(nn.Module):
    def __init__(self, vocab, positions, d, heads, inner, layers):
        super().__init__()
        self.word, self.position, self.token_type = nn.Embedding(vocab, d), nn.Embedding(positions, d), nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.blocks = nn.ModuleList(Block(d, heads, inner, False, False, 1e-12) for _ in range(layers))
        self.pooler = nn.Linear(d, d)

    def forward(self, ids):
        n = ids.shape[1]
        x = self.word(ids) + self.position(torch.arange(n)) + self.token_type(torch.zeros(n, dtype=torch.long))
        x = self.ln(x)
        for blk in self.blocks:
            x = blk(x)
        return torch.tanh(self.pooler(x[:, 0]))


def measure(name, model, length):
    model.eval()
    ids = torch.zeros(1, length, dtype=torch.long)
    with torch.no_grad():
        with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
            model(ids)
    per_op = {e.key: int(e.flops) for e in prof.key_averages() if e.flops}
    return {"model": name, "tokens": length, "params": sum(p.numel() for p in model.parameters()),
            "flops": sum(per_op.values()), "per_op": per_op}


if __name__ == "__main__":
    torch.manual_seed(0)
    models = [("TinyGpt", Gpt(100, 16, 32, 4, 64, 2), 16), ("TinyBert", Bert(100, 16, 32, 4, 64, 2), 12)]
    if "small" not in sys.argv[1:]:
        models += [("GPT2Small", Gpt(50257, 1024, 768, 12, 3072, 12), 1024), ("BertBase", Bert(30522, 512, 768, 12, 3072, 12), 512)]
    print(json.dumps({"torch": torch.__version__, "models": [measure(*m) for m in models]}, indent=1))
