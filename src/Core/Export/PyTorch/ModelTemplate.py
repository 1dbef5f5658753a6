#!/usr/bin/env python3
# @HEADER@
#
# Requirements: Python 3.8+ and PyTorch 1.10+ (nothing else). Tensors are channels last (N, H, W, C) as in
# Keras; weights are stored in Keras layout (Dense kernel (in, units), Conv2D kernel (kh, kw, in, filters),
# recurrent gates in Keras order) so the safetensors file is the one Import-TrainedModel reads.
#
# Train data-parallel (DistributedDataParallel; gloo on CPU, nccl when CUDA is present):
#   torchrun --nproc_per_node 2 THIS_FILE --data DIR --epochs 5 --batch-size 64 --seed 1 --out weights.safetensors
# or start each rank yourself with the standard variables (this is what Invoke-ModelTraining -Engine PyTorch
# does, and what works where `python3 -m torch.distributed.run` fails, e.g. Debian 12's Python 3.11):
#   MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 LOCAL_RANK=0 python3 THIS_FILE --data DIR ... &
#   MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=1 LOCAL_RANK=1 python3 THIS_FILE --data DIR ...
# Without those variables it trains in one process. --batch-size is per process (the global batch is
# batch size x processes). Rank 0 prints one JSON object per line on stdout (start, batch, epoch, test, done)
# and writes the weights. `python3 THIS_FILE --help` lists every option.

import argparse
import ctypes
import datetime
import gzip
import json
import math
import os
import struct
import sys
import threading
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------------------
# Keras semantics as small PyTorch modules. Every module takes and returns channels-last tensors and keeps
# its weights in Keras layout; convolutions and pooling move channels first only around the torch call.
# ---------------------------------------------------------------------------------------------------------


def activation(name, x):
    """Keras activation by name (Keras 3 definitions: gelu exact, hard_sigmoid = relu6(x + 3) / 6, leaky_relu 0.2)."""
    if name == "linear":
        return x
    if name == "relu":
        return F.relu(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "tanh":
        return torch.tanh(x)
    if name == "softmax":
        return torch.softmax(x, dim=-1)
    if name == "elu":
        return F.elu(x)
    if name == "selu":
        return F.selu(x)
    if name == "gelu":
        return F.gelu(x)
    if name in ("swish", "silu"):
        return F.silu(x)
    if name == "softplus":
        return F.softplus(x)
    if name == "softsign":
        return F.softsign(x)
    if name == "hard_sigmoid":
        return F.hardsigmoid(x)
    if name == "relu6":
        return F.relu6(x)
    if name == "leaky_relu":
        return F.leaky_relu(x, 0.2)
    if name == "exponential":
        return torch.exp(x)
    raise ValueError("unknown activation '%s'" % name)


def glorot_uniform_(w):
    """Keras GlorotUniform: fans from the Keras-layout shape (receptive field x the last two dimensions)."""
    shape = list(w.shape)
    if len(shape) == 1:
        fan_in = fan_out = shape[0]
    else:
        receptive = 1
        for d in shape[:-2]:
            receptive *= d
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        w.uniform_(-limit, limit)


def channels_first(x):
    return x.movedim(-1, 1)


def channels_last(x):
    return x.movedim(1, -1)


def pad_spatial(x, before, after, value=0.0):
    """Pads the spatial dimensions of a channels-first tensor; TF 'same' puts the odd extra cell after."""
    if not any(before) and not any(after):
        return x
    pads = []
    for b, a in zip(reversed(before), reversed(after)):
        pads += [b, a]
    return F.pad(x, pads, value=value)


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _bias(module, size, use_bias):
    if use_bias:
        module.bias = nn.Parameter(torch.zeros(size))
    else:
        module.register_parameter("bias", None)


class Dense(nn.Module):
    """Keras Dense on the last axis: y = act(x @ kernel + bias), kernel (in, units)."""

    def __init__(self, in_features, units, use_bias=True, activation="linear"):
        super().__init__()
        self.activation = activation
        self.kernel = nn.Parameter(torch.empty(in_features, units))
        _bias(self, units, use_bias)
        glorot_uniform_(self.kernel)

    def forward(self, x, activate=True):
        y = torch.matmul(x, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        return activation(self.activation, y) if activate else y


class Conv(nn.Module):
    """Keras Conv1D/2D/3D: kernel (*kernel_size, in, filters); explicit TF padding (before, after)."""

    def __init__(self, rank, in_channels, filters, kernel_size, strides, pad_before, pad_after, use_bias=True, activation="linear"):
        super().__init__()
        self.rank, self.strides = rank, tuple(strides)
        self.pad_before, self.pad_after = tuple(pad_before), tuple(pad_after)
        self.activation = activation
        self.kernel = nn.Parameter(torch.empty(*kernel_size, in_channels, filters))
        _bias(self, filters, use_bias)
        glorot_uniform_(self.kernel)

    def forward(self, x, activate=True):
        r = self.rank
        x = pad_spatial(channels_first(x), self.pad_before, self.pad_after)
        w = self.kernel.permute(r + 1, r, *range(r))  # (..., in, out) -> (out, in, ...)
        y = channels_last(_CONV[r](x, w, self.bias, stride=self.strides))
        return activation(self.activation, y) if activate else y


class DepthwiseConv2D(nn.Module):
    """Keras DepthwiseConv2D: depthwise_kernel (kh, kw, in, depth_multiplier); output channel c * dm + m."""

    def __init__(self, in_channels, depth_multiplier, kernel_size, strides, pad_before, pad_after, use_bias=True, activation="linear"):
        super().__init__()
        self.in_channels, self.strides = in_channels, tuple(strides)
        self.pad_before, self.pad_after = tuple(pad_before), tuple(pad_after)
        self.activation = activation
        self.depthwise_kernel = nn.Parameter(torch.empty(*kernel_size, in_channels, depth_multiplier))
        _bias(self, in_channels * depth_multiplier, use_bias)
        glorot_uniform_(self.depthwise_kernel)

    def forward(self, x, activate=True):
        kh, kw, cin, dm = self.depthwise_kernel.shape
        x = pad_spatial(channels_first(x), self.pad_before, self.pad_after)
        w = self.depthwise_kernel.permute(2, 3, 0, 1).reshape(cin * dm, 1, kh, kw)
        y = channels_last(F.conv2d(x, w, self.bias, stride=self.strides, groups=cin))
        return activation(self.activation, y) if activate else y


class SeparableConv2D(nn.Module):
    """Keras SeparableConv2D: depthwise (no bias), then a 1x1 pointwise_kernel (1, 1, in * dm, filters) with the bias."""

    def __init__(self, in_channels, depth_multiplier, filters, kernel_size, strides, pad_before, pad_after, use_bias=True, activation="linear"):
        super().__init__()
        self.strides = tuple(strides)
        self.pad_before, self.pad_after = tuple(pad_before), tuple(pad_after)
        self.activation = activation
        self.depthwise_kernel = nn.Parameter(torch.empty(*kernel_size, in_channels, depth_multiplier))
        self.pointwise_kernel = nn.Parameter(torch.empty(1, 1, in_channels * depth_multiplier, filters))
        _bias(self, filters, use_bias)
        glorot_uniform_(self.depthwise_kernel)
        glorot_uniform_(self.pointwise_kernel)

    def forward(self, x, activate=True):
        kh, kw, cin, dm = self.depthwise_kernel.shape
        x = pad_spatial(channels_first(x), self.pad_before, self.pad_after)
        dw = self.depthwise_kernel.permute(2, 3, 0, 1).reshape(cin * dm, 1, kh, kw)
        x = F.conv2d(x, dw, None, stride=self.strides, groups=cin)
        y = channels_last(F.conv2d(x, self.pointwise_kernel.permute(3, 2, 0, 1), self.bias))
        return activation(self.activation, y) if activate else y


class Pool(nn.Module):
    """Keras Max/AveragePooling1D/2D/3D; 'same' average pooling divides by the cells inside the input (TF)."""

    def __init__(self, rank, kind, pool_size, strides, pad_before, pad_after):
        super().__init__()
        self.rank, self.kind = rank, kind
        self.pool_size, self.strides = tuple(pool_size), tuple(strides)
        self.pad_before, self.pad_after = tuple(pad_before), tuple(pad_after)

    def forward(self, x):
        r, x = self.rank, channels_first(x)
        if self.kind == "max":
            x = pad_spatial(x, self.pad_before, self.pad_after, value=-math.inf)
            return channels_last(_MAX_POOL[r](x, self.pool_size, self.strides))
        total = _AVG_POOL[r](pad_spatial(x, self.pad_before, self.pad_after), self.pool_size, self.strides)
        if not any(self.pad_before) and not any(self.pad_after):
            return channels_last(total)
        inside = _AVG_POOL[r](pad_spatial(torch.ones_like(x[:, :1]), self.pad_before, self.pad_after), self.pool_size, self.strides)
        return channels_last(total / inside)


class GlobalPool(nn.Module):
    """Keras GlobalAveragePooling1D/2D and GlobalMaxPooling2D: reduce every axis between batch and channels."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        dims = tuple(range(1, x.dim() - 1))
        return x.mean(dim=dims) if self.kind == "avg" else x.amax(dim=dims)


class Flatten(nn.Module):
    """Keras Flatten: channels-last order, so a following Dense sees the features as Keras does."""

    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Dropout(nn.Module):
    """Keras Dropout: inverted dropout while training, identity otherwise."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        return F.dropout(x, self.rate, self.training)


class Activation(nn.Module):
    def __init__(self, activation):
        super().__init__()
        self.activation = activation

    def forward(self, x, activate=True):
        return activation(self.activation, x) if activate else x


class BatchNormalization(nn.Module):
    """Keras BatchNormalization on the last axis. Training normalises with the batch mean and biased variance
    and moves the statistics as moving = moving * momentum + batch * (1 - momentum) (Keras' momentum is
    1 - PyTorch's, and Keras never applies Bessel's correction); inference uses the moving statistics."""

    def __init__(self, channels, momentum=0.99, epsilon=1e-3):
        super().__init__()
        self.momentum, self.epsilon = momentum, epsilon
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def forward(self, x):
        if self.training:
            dims = tuple(range(x.dim() - 1))
            mean = x.mean(dim=dims)
            var = x.var(dim=dims, unbiased=False)
            with torch.no_grad():
                self.moving_mean.mul_(self.momentum).add_(mean.detach() * (1 - self.momentum))
                self.moving_variance.mul_(self.momentum).add_(var.detach() * (1 - self.momentum))
        else:
            mean, var = self.moving_mean, self.moving_variance
        return (x - mean) * torch.rsqrt(var + self.epsilon) * self.gamma + self.beta


class Recurrent(nn.Module):
    """Keras SimpleRNN, LSTM (gates i, f, c, o) and GRU (gates z, r, h) over (N, steps, features).
    kernel (features, gates * units), recurrent_kernel (units, gates * units); GRU with reset_after=True has
    bias (2, 3 * units) = input and recurrent biases, and applies the reset gate after the recurrent product.
    Initialisers as Keras: glorot_uniform kernel, orthogonal recurrent kernel, zero bias (LSTM forget gate 1)."""

    GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}

    def __init__(self, cell, features, units, use_bias=True, activation="tanh", recurrent_activation="sigmoid",
                 return_sequences=False, reset_after=True):
        super().__init__()
        g = self.GATES[cell]
        self.cell, self.units, self.return_sequences, self.reset_after = cell, units, return_sequences, reset_after
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.kernel = nn.Parameter(torch.empty(features, g * units))
        self.recurrent_kernel = nn.Parameter(torch.empty(units, g * units))
        bias_shape = (2, g * units) if cell == "GRU" and reset_after else (g * units,)
        if use_bias:
            self.bias = nn.Parameter(torch.zeros(*bias_shape))
            if cell == "LSTM":
                with torch.no_grad():
                    self.bias[units:2 * units] = 1.0
        else:
            self.register_parameter("bias", None)
        glorot_uniform_(self.kernel)
        nn.init.orthogonal_(self.recurrent_kernel)

    def forward(self, x):
        n, steps, u = x.shape[0], x.shape[1], self.units
        act = lambda v: activation(self.activation, v)  # noqa: E731
        ract = lambda v: activation(self.recurrent_activation, v)  # noqa: E731
        gru2 = self.cell == "GRU" and self.reset_after and self.bias is not None
        xb = torch.matmul(x, self.kernel)
        if self.bias is not None:
            xb = xb + (self.bias[0] if gru2 else self.bias)
        h = x.new_zeros(n, u)
        c = x.new_zeros(n, u)
        outputs = []
        for t in range(steps):
            z = xb[:, t]
            if self.cell == "SimpleRNN":
                h = act(z + h @ self.recurrent_kernel)
            elif self.cell == "LSTM":
                z = z + h @ self.recurrent_kernel
                i, f, g, o = ract(z[:, :u]), ract(z[:, u:2 * u]), act(z[:, 2 * u:3 * u]), ract(z[:, 3 * u:])
                c = f * c + i * g
                h = o * act(c)
            elif self.reset_after:
                rec = h @ self.recurrent_kernel
                if gru2:
                    rec = rec + self.bias[1]
                zg, rg = ract(z[:, :u] + rec[:, :u]), ract(z[:, u:2 * u] + rec[:, u:2 * u])
                hh = act(z[:, 2 * u:] + rg * rec[:, 2 * u:])
                h = zg * h + (1 - zg) * hh
            else:
                rk = self.recurrent_kernel
                zg = ract(z[:, :u] + h @ rk[:, :u])
                rg = ract(z[:, u:2 * u] + h @ rk[:, u:2 * u])
                hh = act(z[:, 2 * u:] + (rg * h) @ rk[:, 2 * u:])
                h = zg * h + (1 - zg) * hh
            if self.return_sequences:
                outputs.append(h)
        return torch.stack(outputs, dim=1) if self.return_sequences else h


class ZeroPadding2D(nn.Module):
    def __init__(self, top, bottom, left, right):
        super().__init__()
        self.pads = (0, 0, left, right, top, bottom)  # channels last: (C, W, H) from the last axis back

    def forward(self, x):
        return F.pad(x, self.pads)


class Add(nn.Module):
    def forward(self, *inputs):
        y = inputs[0]
        for v in inputs[1:]:
            y = y + v
        return y


class Concatenate(nn.Module):
    def __init__(self, axis):
        super().__init__()
        self.axis = axis  # counted with the batch axis, as in Keras

    def forward(self, *inputs):
        return torch.cat(inputs, dim=self.axis)


class Embedding(nn.Module):
    """Keras Embedding: token ids (floats are truncated, as Keras casts them) pick rows of embeddings (input_dim,
    output_dim), initialised uniform in +-0.05. constant_id (a ModelCost extension) reads that row at every position."""

    def __init__(self, input_dim, output_dim, constant_id=None):
        super().__init__()
        self.constant_id = constant_id
        self.embeddings = nn.Parameter(torch.empty(input_dim, output_dim))
        with torch.no_grad():
            self.embeddings.uniform_(-0.05, 0.05)

    def forward(self, x):
        if self.constant_id is not None:
            return self.embeddings[self.constant_id].expand(*x.shape, -1)
        return self.embeddings[x.long()]


class PositionEmbedding(nn.Module):
    """KerasNLP PositionEmbedding: the first L rows of embeddings (sequence_length, width) for every sample; the input
    only gives L. Add it to the token embeddings with an Add layer."""

    def __init__(self, sequence_length, width):
        super().__init__()
        self.embeddings = nn.Parameter(torch.empty(sequence_length, width))
        glorot_uniform_(self.embeddings)

    def forward(self, x):
        return self.embeddings[:x.shape[1]].unsqueeze(0).expand(x.shape[0], -1, -1)


class LayerNormalization(nn.Module):
    """Keras LayerNormalization over the last axis (biased variance), gamma 1 and beta 0 at the start."""

    def __init__(self, channels, epsilon=1e-3):
        super().__init__()
        self.epsilon = epsilon
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.gamma, self.beta, self.epsilon)


class EinsumDense(nn.Module):
    """One projection of Keras MultiHeadAttention: kernel (in, heads, width) -> (N, L, heads, width), or for the output
    projection kernel (heads, width, out) -> (N, L, out). Glorot-uniform kernels with Keras' fans, zero biases."""

    def __init__(self, kernel_shape, bias_shape, output=False):
        super().__init__()
        self.output = output
        self.kernel = nn.Parameter(torch.empty(*kernel_shape))
        if bias_shape is not None:
            self.bias = nn.Parameter(torch.zeros(*bias_shape))
        else:
            self.register_parameter("bias", None)
        glorot_uniform_(self.kernel)

    def forward(self, x):
        y = torch.einsum("blhv,hvd->bld" if self.output else "bld,dhk->blhk", x, self.kernel)
        return y if self.bias is None else y + self.bias


class MultiHeadAttention(nn.Module):
    """Keras MultiHeadAttention on (query, value, key) (key = value = query when not given): Q is scaled by
    1/sqrt(key_dim), the causal mask hides later positions, dropout falls on the attention probabilities."""

    def __init__(self, query_features, value_features, key_features, num_heads, key_dim, value_dim, dropout=0.0,
                 use_bias=True, use_causal_mask=False):
        super().__init__()
        self.key_dim, self.dropout, self.use_causal_mask = key_dim, dropout, use_causal_mask
        self.query = EinsumDense((query_features, num_heads, key_dim), (num_heads, key_dim) if use_bias else None)
        self.key = EinsumDense((key_features, num_heads, key_dim), (num_heads, key_dim) if use_bias else None)
        self.value = EinsumDense((value_features, num_heads, value_dim), (num_heads, value_dim) if use_bias else None)
        self.attention_output = EinsumDense((num_heads, value_dim, query_features), (query_features,) if use_bias else None, output=True)

    def forward(self, query, value=None, key=None):
        value = query if value is None else value
        key = value if key is None else key
        q = self.query(query) * (1.0 / math.sqrt(self.key_dim))
        k, v = self.key(key), self.value(value)
        scores = torch.einsum("bqhk,bthk->bhqt", q, k)
        if self.use_causal_mask:
            lq, lk = scores.shape[-2], scores.shape[-1]
            hidden = torch.ones(lq, lk, dtype=torch.bool, device=scores.device).triu(1)
            scores = scores.masked_fill(hidden, -math.inf)
        p = F.dropout(torch.softmax(scores, dim=-1), self.dropout, self.training)
        return self.attention_output(torch.einsum("bhqt,bthv->bqhv", p, v))


class TransformerBlock(nn.Module):
    """KerasNLP TransformerEncoder / TransformerDecoder (decoder-only: causal self-attention, no cross-attention).
    post-LN (normalize_first=False, BERT): s = x + drop(attn(x)); a = LN1(s); out = LN2(a + drop(ffn(a)))
    pre-LN (normalize_first=True, GPT-2):  s = x + drop(attn(LN1(x))); out = s + drop(ffn(LN2(s)))
    ffn(z) = act(z W1 + b1) W2 + b2; the attention probabilities drop out at the same rate. KerasNLP's weight names."""

    def __init__(self, width, intermediate_dim, num_heads, dropout=0.0, activation="relu", layer_norm_epsilon=1e-5,
                 normalize_first=False, causal=False):
        super().__init__()
        head = width // num_heads
        self.dropout, self.normalize_first = dropout, normalize_first
        self.self_attention = MultiHeadAttention(width, width, width, num_heads, head, head, dropout, True, causal)
        self.self_attention_layer_norm = LayerNormalization(width, layer_norm_epsilon)
        self.feedforward_intermediate_dense = Dense(width, intermediate_dim, True, activation)
        self.feedforward_output_dense = Dense(intermediate_dim, width, True, "linear")
        self.feedforward_layer_norm = LayerNormalization(width, layer_norm_epsilon)

    def forward(self, x):
        drop = lambda t: F.dropout(t, self.dropout, self.training)  # noqa: E731
        ffn = lambda t: self.feedforward_output_dense(self.feedforward_intermediate_dense(t))  # noqa: E731
        if self.normalize_first:
            s = x + drop(self.self_attention(self.self_attention_layer_norm(x)))
            return s + drop(ffn(self.feedforward_layer_norm(s)))
        a = self.self_attention_layer_norm(x + drop(self.self_attention(x)))
        return self.feedforward_layer_norm(a + drop(ffn(a)))


class Reshape(nn.Module):
    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = tuple(target_shape)

    def forward(self, x):
        return x.reshape((x.shape[0],) + self.target_shape)


class Cropping1D(nn.Module):
    """Keras Cropping1D: drops positions at the start and the end of each sequence."""

    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def forward(self, x):
        return x[:, self.start:x.shape[1] - self.end]


# @MODEL@


# ---------------------------------------------------------------------------------------------------------
# Weights: safetensors in our layout (float32, little endian, tensor names 'layer.param', the spec in the
# metadata so Import-TrainedModel can rebuild the model).
# ---------------------------------------------------------------------------------------------------------

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    """Returns ({name: float32 tensor}, metadata) from a safetensors file."""
    if sys.byteorder != "little":
        raise RuntimeError("safetensors data is little endian; this reader runs on little-endian machines only")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s is not a safetensors file (shorter than its 8-byte header length)" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError("%s is not a safetensors file (header length %d beyond the file)" % (path, n))
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    base, tensors = 8 + n, {}
    for name, entry in header.items():
        if entry["dtype"] not in _DTYPES:
            raise ValueError("%s: tensor '%s' has dtype %s; only float tensors are weights" % (path, name, entry["dtype"]))
        start, end = entry["data_offsets"]
        raw = bytearray(data[base + start:base + end])
        t = torch.frombuffer(raw, dtype=_DTYPES[entry["dtype"]]) if raw else torch.empty(0, dtype=_DTYPES[entry["dtype"]])
        tensors[name] = t.reshape(entry["shape"]).to(torch.float32)
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors (sorted by name) and string metadata atomically: a temporary file renamed into place."""
    names = sorted(tensors)
    blobs, entries, offset = [], {}, 0
    for name in names:
        t = tensors[name].detach().to("cpu", torch.float32).contiguous()
        size = t.numel() * 4
        blobs.append(ctypes.string_at(t.data_ptr(), size) if size else b"")
        entries[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    header = dict({"__metadata__": dict(metadata)}, **entries) if metadata else entries
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for b in blobs:
                f.write(b)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def state_tensors(model):
    """The model's weights under their safetensors names. WEIGHTS maps each name to a Model attribute and a path in
    it ('kernel', or 'self_attention/query/kernel' for a sub-layer as Keras names it)."""
    tensors = {}
    for name, (module, path) in WEIGHTS.items():
        target = getattr(model, module)
        for part in path.split("/"):
            target = getattr(target, part)
        tensors[name] = target
    return tensors


def save_weights(model, path, extra_metadata=None):
    metadata = {"modelcost.spec": SPEC_YAML, "modelcost.format": "1", "modelcost.layout": "keras",
                "modelcost.created_by": "%s; PyTorch %s" % (GENERATOR, torch.__version__)}
    metadata.update(extra_metadata or {})
    write_safetensors(path, state_tensors(model), metadata)


def load_weights(model, path):
    """Copies every tensor of a safetensors file written by Export-TrainedModel (or save_weights) into the model."""
    tensors, _ = read_safetensors(path)
    missing = [n for n in WEIGHTS if n not in tensors]
    extra = [n for n in tensors if n not in WEIGHTS]
    if missing or extra:
        raise ValueError("%s does not fit model '%s': missing %s, unexpected %s" % (path, MODEL_NAME, missing, extra))
    with torch.no_grad():
        for name, target in state_tensors(model).items():
            if tuple(tensors[name].shape) != tuple(target.shape):
                raise ValueError("%s: tensor '%s' has shape %s but the model needs %s"
                                 % (path, name, tuple(tensors[name].shape), tuple(target.shape)))
            target.copy_(tensors[name])
    return model


# ---------------------------------------------------------------------------------------------------------
# Data: the IDX files of MNIST / Fashion-MNIST (raw or .gz), pixels scaled to [0, 1] as byte / 255.
# ---------------------------------------------------------------------------------------------------------


def _idx_path(folder, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        p = os.path.join(folder, name)
        if os.path.isfile(p):
            return p
    return None


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic >> 8 != 0x08:
        raise ValueError("%s is not an IDX file of unsigned bytes (magic 0x%08x)" % (path, magic))
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    body = bytearray(data[4 + 4 * rank:])
    count = 1
    for d in dims:
        count *= d
    if len(body) < count:
        raise ValueError("%s is truncated: %d of %d bytes" % (path, len(body), count))
    return torch.frombuffer(body, dtype=torch.uint8)[:count].reshape(dims)


def load_split(folder, split):
    stem = "train" if split == "train" else "t10k"
    images, labels = _idx_path(folder, stem + "-images-idx3-ubyte"), _idx_path(folder, stem + "-labels-idx1-ubyte")
    if images is None or labels is None:
        return None
    x, y = read_idx(images), read_idx(labels).long()
    if x.shape[0] != y.shape[0]:
        raise ValueError("%s holds %d images but %s holds %d labels" % (images, x.shape[0], labels, y.shape[0]))
    return x, y


def to_input(pixels):
    """uint8 images -> float32 model input of INPUT_SHAPE (byte / 255, as the Keras scripts do)."""
    return (pixels.to(torch.float64) / 255.0).to(torch.float32).reshape((pixels.shape[0],) + INPUT_SHAPE)


# ---------------------------------------------------------------------------------------------------------
# Training entry point: DistributedDataParallel over the ranks the environment describes.
# ---------------------------------------------------------------------------------------------------------


def emit(record):
    """One JSON object per line; NaN and infinities (not JSON) become null."""
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()}
    print(json.dumps(clean, separators=(",", ":")), flush=True)


def _output_kind(model):
    """How the loss reads the output: softmax/sigmoid last layers are trained on their logits, as Keras does."""
    act = getattr(getattr(model, LAYER_ORDER[-1]), "activation", "linear")
    if OUTPUT_SHAPE == (1,) and act in ("sigmoid", "linear"):
        return "binary", act == "sigmoid"
    if len(OUTPUT_SHAPE) == 1 and act in ("softmax", "linear"):
        return "categorical", act == "softmax"
    raise SystemExit("model '%s': the last layer must end in softmax (or sigmoid with one unit), or be linear logits; "
                     "its output %s with activation '%s' does not fit sparse categorical cross-entropy" % (MODEL_NAME, OUTPUT_SHAPE, act))


def _loss_and_correct(out, y, kind):
    if kind == "binary":
        out = out.reshape(-1)
        loss = F.binary_cross_entropy_with_logits(out, y.to(out.dtype), reduction="sum")
        correct = ((out > 0).long() == y).sum()
    else:
        loss = F.cross_entropy(out, y, reduction="sum")
        correct = (out.argmax(dim=1) == y).sum()
    return loss, correct


def _evaluate(model, x, y, indices, batch_size, kind, fused, device, world):
    """Loss and accuracy over indices (each rank takes every world-th sample), summed over the ranks."""
    model.eval()
    totals = torch.zeros(3, dtype=torch.float64, device=device)
    with torch.no_grad():
        for start in range(0, len(indices), batch_size):
            idx = indices[start:start + batch_size]
            xb, yb = to_input(x[idx]).to(device), y[idx].to(device)
            loss, correct = _loss_and_correct(model(xb, logits=fused), yb, kind)
            totals += torch.stack([loss.double(), correct.double(), torch.tensor(float(len(idx)), dtype=torch.float64, device=device)])
    if world > 1:
        torch.distributed.all_reduce(totals)
    model.train()
    loss, correct, count = totals.tolist()
    return (loss / count, correct / count) if count else (float("nan"), float("nan"))


def _optimizer(name, params, lr, momentum, weight_decay):
    # Keras defaults: Adam/AdamW/RMSprop lr 1e-3 and epsilon 1e-7, SGD lr 1e-2. (Keras adds epsilon before the
    # bias correction of Adam's second moment and inside RMSprop's square root; PyTorch after: a difference of
    # epsilon-size only.)
    name = name.lower()
    if name == "adam":
        return torch.optim.Adam(params, lr=lr or 1e-3, eps=1e-7)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr or 1e-3, eps=1e-7, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr or 1e-2, momentum=momentum)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr or 1e-3, alpha=0.9, eps=1e-7)
    raise SystemExit("unknown optimizer '%s' (adam, adamw, sgd, rmsprop)" % name)


def _exit_with_parent():
    """Set by launchers (Invoke-ModelTraining -Engine PyTorch): end this rank when the process that started it is gone."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def main(argv=None):
    p = argparse.ArgumentParser(description="Train %s data-parallel with PyTorch DistributedDataParallel." % MODEL_NAME)
    p.add_argument("--data", required=True, help="folder with the IDX files (train-images-idx3-ubyte[.gz], ...)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64, help="samples per step on each process")
    p.add_argument("--seed", type=int, default=0, help="seeds the weights, the shuffling and dropout")
    p.add_argument("--out", help="write the trained weights here (rank 0, safetensors)")
    p.add_argument("--optimizer", default="adam", help="adam, adamw, sgd or rmsprop")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the optimizer's Keras default)")
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum")
    p.add_argument("--weight-decay", type=float, default=0.004, help="AdamW weight decay")
    p.add_argument("--validation-split", type=float, default=0.1, help="the last fraction of the training set (Keras)")
    p.add_argument("--weights", help="start from these weights (safetensors) instead of the Keras initialisers")
    p.add_argument("--threads", type=int, default=0, help="CPU threads per process (default: cores / local processes)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds a collective may wait for the other ranks")
    p.add_argument("--progress-seconds", type=float, default=0.5, help="least time between 'batch' lines")
    p.add_argument("--no-shuffle", action="store_true", help="keep the training order (default: reshuffle every epoch)")
    p.add_argument("--no-test", action="store_true", help="skip the test split after training")
    args = p.parse_args(argv)
    if os.environ.get("MODELCOST_EXIT_WITH_PARENT") == "1":
        _exit_with_parent()
    if args.epochs < 1 or args.batch_size < 1 or not 0 <= args.validation_split < 1:
        raise SystemExit("--epochs and --batch-size must be at least 1 and --validation-split in [0, 1)")

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // max(1, local_world)))
    backend = "nccl" if cuda else "gloo"
    if world > 1:
        torch.distributed.init_process_group(backend, init_method="env://", world_size=world, rank=rank,
                                             timeout=datetime.timedelta(seconds=args.timeout))
    say = emit if rank == 0 else (lambda record: None)

    train = load_split(args.data, "train")
    test = load_split(args.data, "test")
    if train is None:
        raise SystemExit("no training split in %s: expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]" % args.data)
    x, y = train
    total = x.shape[0]
    train_count = total if args.validation_split == 0 else int(math.floor(total * (1.0 - args.validation_split)))
    if train_count < 1 or (args.validation_split > 0 and train_count == total):
        raise SystemExit("--validation-split %g of %d samples leaves no training or no validation samples" % (args.validation_split, total))
    sample = 1
    for d in INPUT_SHAPE:
        sample *= d
    if x[0].numel() != sample:
        raise SystemExit("model '%s' takes inputs of %s (%d values) but the images are %s" % (MODEL_NAME, INPUT_SHAPE, sample, tuple(x.shape[1:])))

    torch.manual_seed(args.seed)  # the same initial weights on every rank (DDP also broadcasts rank 0's)
    model = Model().to(device)
    if args.weights:
        load_weights(model, args.weights)
    kind, fused = _output_kind(model)
    classes = OUTPUT_SHAPE[0] if kind == "categorical" else 2
    if int(y.max()) >= classes:
        raise SystemExit("label %d is not below the model's %d outputs" % (int(y.max()), classes))
    net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if cuda else None) if world > 1 else model
    opt = _optimizer(args.optimizer, net.parameters(), args.lr, args.momentum, args.weight_decay)
    torch.manual_seed(args.seed * 1000003 + rank)  # dropout masks differ between ranks

    train_set = torch.utils.data.TensorDataset(torch.arange(train_count))
    sampler = torch.utils.data.distributed.DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=not args.no_shuffle, seed=args.seed)
    batches = math.ceil(len(sampler) / args.batch_size)
    val_indices = torch.arange(train_count, total)[rank::world]  # each rank validates every world-th sample
    say({"event": "start", "model": MODEL_NAME, "world_size": world, "backend": backend if world > 1 else "none",
         "device": str(device), "params": sum(t.numel() for t in state_tensors(model).values()),
         "train_samples": train_count, "val_samples": total - train_count, "batch_size": args.batch_size,
         "batches": batches, "epochs": args.epochs, "optimizer": args.optimizer.lower(),
         "lr": opt.param_groups[0]["lr"], "seed": args.seed, "torch": torch.__version__})

    history, started = [], time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        net.train()
        t0, last_report = time.perf_counter(), 0.0
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        order = torch.tensor(list(iter(sampler)), dtype=torch.long)
        for b in range(batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            xb, yb = to_input(x[idx]).to(device), y[idx].to(device)
            loss_sum, correct = _loss_and_correct(net(xb, logits=fused), yb, kind)
            opt.zero_grad(set_to_none=True)
            (loss_sum / len(idx)).backward()
            opt.step()
            sums += torch.stack([loss_sum.detach().double(), correct.double(), torch.tensor(float(len(idx)), dtype=torch.float64, device=device)])
            now = time.perf_counter()
            if rank == 0 and (b + 1 == batches or now - last_report >= args.progress_seconds):
                last_report = now
                l, c, n = sums.tolist()
                say({"event": "batch", "epoch": epoch, "epochs": args.epochs, "batch": b + 1, "batches": batches,
                     "loss": l / n, "accuracy": c / n, "elapsed": now - started})
        if world > 1:
            torch.distributed.all_reduce(sums)
        l, c, n = sums.tolist()
        val_loss, val_acc = _evaluate(net, x, y, val_indices, args.batch_size, kind, fused, device, world) if total > train_count else (float("nan"), float("nan"))
        record = {"event": "epoch", "epoch": epoch, "loss": l / n, "accuracy": c / n, "val_loss": val_loss,
                  "val_accuracy": val_acc, "seconds": time.perf_counter() - t0}
        history.append(record)
        say(record)
    train_seconds = time.perf_counter() - started

    test_loss = test_acc = float("nan")
    if test is not None and not args.no_test:
        tx, ty = test
        test_loss, test_acc = _evaluate(net, tx, ty, torch.arange(tx.shape[0])[rank::world], args.batch_size, kind, fused, device, world)
        say({"event": "test", "test_loss": test_loss, "test_accuracy": test_acc})
    if rank == 0 and args.out:
        save_weights(model, args.out, {"modelcost.trained_by": "PyTorch DDP, %d process(es), %s" % (world, backend)})
    last = history[-1]
    say({"event": "done", "train_loss": last["loss"], "train_accuracy": last["accuracy"], "val_loss": last["val_loss"],
         "val_accuracy": last["val_accuracy"], "test_loss": test_loss, "test_accuracy": test_acc,
         "train_seconds": train_seconds, "samples_per_second": args.epochs * train_count / train_seconds if train_seconds > 0 else 0.0,
         "out": os.path.abspath(args.out) if args.out else None})
    if world > 1:
        torch.distributed.barrier()
        if os.environ.get("MODELCOST_EXIT_WITH_PARENT") == "1":
            # Started by Invoke-ModelTraining, which has every result by now: end here. Tearing down gloo and the
            # interpreter's thread pools occasionally left a rank running for over a minute after the run (seen once in
            # a full test run), which the launcher reports as DistributedRankHung.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
