using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engine.Transformer;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// KerasNLP TransformerEncoder and TransformerDecoder (decoder-only: causal self-attention, no cross-attention):
/// <code>
/// post-LN (normalize_first=False, BERT):  s1 = x + drop(attn(x));      a = LN1(s1); out = LN2(a + drop(ffn(a)))
/// pre-LN  (normalize_first=True, GPT-2):  s1 = x + drop(attn(LN1(x)));  out = s1 + drop(ffn(LN2(s1)))
/// </code>
/// with ffn(z) = act(z·W1 + b1)·W2 + b2 and attention dropout at the same rate. Weights use KerasNLP's names
/// (self_attention/query/kernel, self_attention_layer_norm/gamma, feedforward_intermediate_dense/kernel, ...).
/// Dropout masks are recomputed in the backward pass (<see cref="DropoutMask"/>), so only the tensors below are kept.
/// </summary>
internal sealed class TransformerBlockLayer : Layer
{
    private readonly int _length, _width, _inner;
    private readonly bool _pre;
    private readonly double _dropout;
    private readonly ulong _salt;
    private readonly ActivationKind _act;
    private readonly AttentionCore _attention;
    private readonly LayerNormOp _norm1, _norm2;
    private readonly SequenceDense _dense1, _dense2;
    private readonly Action<int> _residual, _scaleByMask, _activation, _activationBack, _add;
    // Forward tensors: normA (pre: LN1(x); post: LN1(s1)), attention output, s1, normB (pre only: LN2(s1)),
    // hidden before/after the activation, feed-forward output, s2 (post only).
    private float[] _normA = [], _attn = [], _sum1 = [], _normB = [], _hPre = [], _hAct = [], _ffn = [], _sum2 = [];
    private float[] _dSeq1 = [], _dSeq2 = [], _dSeq3 = [], _dHidden = [];
    // Operands of the elementwise jobs.
    private float[] _a = [], _b = [], _dst = [];
    private DropoutMask _mask;
    private bool _useMask;
    private int _count;

    public TransformerBlockLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _length = l.InputShape[0];
        _width = l.InputShape[1];
        _inner = l.IntermediateDim;
        _pre = l.NormalizeFirst;
        _dropout = l.Dropout;
        _salt = 0xB10C0000 + (ulong)l.Index * 4;
        _act = ActivationMath.Parse(l.Activation);
        string p = l.Name + ".";
        _attention = new AttentionCore(net, p + "self_attention/", _length, _length, _width, _width, _width, l.NumHeads, l.KeyDim, l.ValueDim,
            bias: true, l.UseCausalMask, _dropout, _salt + 3);
        _norm1 = new LayerNormOp(net, _width, l.Epsilon, net.Offset(p + "self_attention_layer_norm/gamma"), net.Offset(p + "self_attention_layer_norm/beta"));
        _norm2 = new LayerNormOp(net, _width, l.Epsilon, net.Offset(p + "feedforward_layer_norm/gamma"), net.Offset(p + "feedforward_layer_norm/beta"));
        _dense1 = new SequenceDense(net, _width, _inner, net.Offset(p + "feedforward_intermediate_dense/kernel"), net.Offset(p + "feedforward_intermediate_dense/bias"));
        _dense2 = new SequenceDense(net, _inner, _width, net.Offset(p + "feedforward_output_dense/kernel"), net.Offset(p + "feedforward_output_dense/bias"));
        _residual = part => { var (i0, i1) = Range(part); for (int i = i0; i < i1; i++) _dst[i] = _a[i] + (_useMask ? _b[i] * _mask.Factor(i) : _b[i]); };
        _scaleByMask = part => { var (i0, i1) = Range(part); for (int i = i0; i < i1; i++) _dst[i] = _a[i] * _mask.Factor(i); };
        _add = part => { var (i0, i1) = Range(part); for (int i = i0; i < i1; i++) _dst[i] += _a[i]; };
        _activation = part =>
        {
            var (r0, r1) = WorkerPool.Slice(_count / _inner, Threads, part);
            var src = _hPre.AsSpan(r0 * _inner, (r1 - r0) * _inner);
            var dst = _hAct.AsSpan(r0 * _inner, (r1 - r0) * _inner);
            src.CopyTo(dst);
            ActivationMath.Forward(_act, dst, _inner);
        };
        _activationBack = part =>
        {
            var (r0, r1) = WorkerPool.Slice(_count / _inner, Threads, part);
            int a = r0 * _inner, len = (r1 - r0) * _inner;
            ActivationMath.Backward(_act, _hAct.AsSpan(a, len), _hPre.AsSpan(a, len), _dHidden.AsSpan(a, len), _inner);
        };
    }

    private (int, int) Range(int part) => WorkerPool.Slice(_count, Threads, part);

    public override void Allocate(int capacity, bool training)
    {
        int seq = checked(capacity * _length * _width), hidden = checked(capacity * _length * _inner);
        _normA = new float[seq]; _attn = new float[seq]; _sum1 = new float[seq]; _ffn = new float[seq];
        if (_pre) _normB = new float[seq]; else _sum2 = new float[seq];
        _hPre = new float[hidden]; _hAct = new float[hidden];
        _attention.Allocate(capacity, training);
        _norm1.Allocate(capacity * _length);
        _norm2.Allocate(capacity * _length);
        if (!training) return;
        _dSeq1 = new float[seq]; _dSeq2 = new float[seq]; _dSeq3 = new float[seq]; _dHidden = new float[hidden];
    }

    public override void Forward(int n, bool training)
    {
        int rows = n * _length;
        var x = Inputs[0];
        bool drop = training && _dropout > 0;
        if (_pre)
        {
            _norm1.Forward(x, _normA, rows);
            _attention.Forward(n, _normA, _normA, _normA, _attn, training);
            Residual(x, _attn, _sum1, rows * _width, drop, 1);
            _norm2.Forward(_sum1, _normB, rows);
            FeedForward(_normB, rows);
            Residual(_sum1, _ffn, Output, rows * _width, drop, 2);
        }
        else
        {
            _attention.Forward(n, x, x, x, _attn, training);
            Residual(x, _attn, _sum1, rows * _width, drop, 1);
            _norm1.Forward(_sum1, _normA, rows);
            FeedForward(_normA, rows);
            Residual(_normA, _ffn, _sum2, rows * _width, drop, 2);
            _norm2.Forward(_sum2, Output, rows);
        }
    }

    public override void Backward(int n)
    {
        int rows = n * _length, count = rows * _width;
        bool drop = _dropout > 0;
        var dx = InputGrads[0];
        var dy = OutputGrad!;
        if (_pre)
        {
            // out = s1 + drop(ffn(LN2(s1))): ds1 = dy + LN2ᵀ(W1ᵀ(act'(W2ᵀ(drop(dy))))).
            Dropped(dy, _dSeq1, count, drop, 2);
            FeedForwardBackward(_normB, _dSeq1, _dSeq2, rows, accumulate: false);
            dy.AsSpan(0, count).CopyTo(_dSeq3);
            _norm2.Backward(_sum1, _dSeq2, _dSeq3, rows, accumulate: true);
            // s1 = x + drop(attn(LN1(x))): dx = ds1 + LN1ᵀ(attnᵀ(drop(ds1))).
            Dropped(_dSeq3, _dSeq1, count, drop, 1);
            _attention.Backward(n, _normA, _normA, _normA, _dSeq1, _dSeq2, _dSeq2, _dSeq2);
            if (dx is not null) _dSeq3.AsSpan(0, count).CopyTo(dx);
            _norm1.Backward(x: Inputs[0], _dSeq2, dx, rows, accumulate: true);
        }
        else
        {
            // out = LN2(s2), s2 = a + drop(ffn(a)), a = LN1(s1): da = ds2 + W1ᵀ(act'(W2ᵀ(drop(ds2)))).
            _norm2.Backward(_sum2, dy, _dSeq1, rows, accumulate: false);
            Dropped(_dSeq1, _dSeq2, count, drop, 2);
            _dSeq1.AsSpan(0, count).CopyTo(_dSeq3);
            FeedForwardBackward(_normA, _dSeq2, _dSeq3, rows, accumulate: true);
            // s1 = x + drop(attn(x)): dx = ds1 + attnᵀ(drop(ds1)).
            _norm1.Backward(_sum1, _dSeq3, _dSeq1, rows, accumulate: false);
            Dropped(_dSeq1, _dSeq2, count, drop, 1);
            var x = Inputs[0];
            _attention.Backward(n, x, x, x, _dSeq2, dx, dx, dx);
            if (dx is not null) { (_a, _dst, _count) = (_dSeq1, dx, count); Pool.Run(_add); }
        }
    }

    private void FeedForward(float[] input, int rows)
    {
        _dense1.Forward(input, _hPre, rows);
        _count = rows * _inner;
        Pool.Run(_activation);
        _dense2.Forward(_hAct, _ffn, rows);
    }

    /// <summary>Weight gradients of the feed-forward pair; dInput = W1ᵀ(act'(W2ᵀ dFfn)), written or added.</summary>
    private void FeedForwardBackward(float[] input, float[] dFfn, float[] dInput, int rows, bool accumulate)
    {
        _dense2.Backward(_hAct, dFfn, rows, _dHidden, accumulate: false);
        _count = rows * _inner;
        if (_act != ActivationKind.Linear) Pool.Run(_activationBack);
        _dense1.Backward(input, _dHidden, rows, dInput, accumulate);
    }

    /// <summary>dst = a + drop(b) (the dropout of residual branch <paramref name="which"/>).</summary>
    private void Residual(float[] a, float[] b, float[] dst, int count, bool drop, int which)
    {
        _useMask = drop;
        if (drop) _mask = new DropoutMask(Net, _dropout, _salt + (ulong)which);
        (_a, _b, _dst, _count) = (a, b, dst, count);
        Pool.Run(_residual);
    }

    /// <summary>dst = drop(src) with the mask of branch <paramref name="which"/> (or a copy without dropout).</summary>
    private void Dropped(float[] src, float[] dst, int count, bool drop, int which)
    {
        if (!drop) { src.AsSpan(0, count).CopyTo(dst); return; }
        _mask = new DropoutMask(Net, _dropout, _salt + (ulong)which);
        (_a, _dst, _count) = (src, dst, count);
        Pool.Run(_scaleByMask);
    }
}
