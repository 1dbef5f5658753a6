using ModelCost.Core.Engine.Runtime;

namespace ModelCost.Core.Engine.Transformer;

/// <summary>
/// Keras MultiHeadAttention on per-sample sequences, shared by the MultiHeadAttention layer and the transformer
/// blocks: Q = (x_q·W_q + b_q)/√key_dim, K = x_k·W_k + b_k, V = x_v·W_v + b_v (one parallel GEMM each over all
/// rows of the batch), then per (sample, head) S = Q_h·K_hᵀ, optional causal mask, P = softmax(S), dropout on P,
/// C_h = P·V_h, and out = C·W_o + b_o. The per-(sample, head) products are SIMD dot products and axpy on strided
/// rows (a head is a column block of Q/K/V; see <see cref="HeadMath"/>), the items split across the worker pool;
/// a causal row computes only the keys it sees. P (batch × heads × Lq × Lk)
/// is kept for the backward pass; everything is allocated once for the batch capacity.
/// </summary>
internal sealed class AttentionCore
{
    private readonly Network _net;
    private readonly int _lq, _lk, _heads, _keyDim, _valueDim, _hk, _hv;
    private readonly float _scale;
    private readonly bool _causal;
    private readonly double _dropout;
    private readonly ulong _salt;
    private readonly Action<int> _forwardItems, _backwardItems;
    private readonly SequenceDense _query, _key, _value, _output;
    private float[] _q = [], _k = [], _v = [], _p = [], _c = [];
    private float[] _dq = [], _dk = [], _dv = [], _dc = [], _scratch = [];
    private int _n;
    private bool _training;
    private DropoutMask _mask;

    /// <param name="prefix">Slot-name prefix of the weights, e.g. <c>mha.</c> or <c>block.self_attention/</c>.</param>
    public AttentionCore(Network net, string prefix, int queryLength, int keyLength, int queryDim, int keyInDim, int valueInDim,
        int heads, int keyDim, int valueDim, bool bias, bool causal, double dropout, ulong salt)
    {
        _net = net;
        _lq = queryLength; _lk = keyLength; _heads = heads; _keyDim = keyDim; _valueDim = valueDim;
        _hk = heads * keyDim; _hv = heads * valueDim;
        _scale = (float)(1.0 / Math.Sqrt(keyDim));
        _causal = causal;
        _dropout = dropout;
        _salt = salt;
        int B(string name) => bias ? net.Offset(prefix + name + "/bias") : -1;
        _query = new SequenceDense(net, queryDim, _hk, net.Offset(prefix + "query/kernel"), B("query"));
        _key = new SequenceDense(net, keyInDim, _hk, net.Offset(prefix + "key/kernel"), B("key"));
        _value = new SequenceDense(net, valueInDim, _hv, net.Offset(prefix + "value/kernel"), B("value"));
        _output = new SequenceDense(net, _hv, queryDim, net.Offset(prefix + "attention_output/kernel"), B("attention_output"));
        _forwardItems = ForwardItems;
        _backwardItems = BackwardItems;
    }

    /// <summary>The attention probabilities of the last forward pass: (batch, heads, Lq, Lk).</summary>
    public float[] Probabilities => _p;

    public void Allocate(int capacity, bool training)
    {
        _q = new float[checked(capacity * _lq * _hk)];
        _k = new float[checked(capacity * _lk * _hk)];
        _v = new float[checked(capacity * _lk * _hv)];
        _p = new float[checked(capacity * _heads * _lq * _lk)];
        _c = new float[checked(capacity * _lq * _hv)];
        if (!training) return;
        _dq = new float[_q.Length]; _dk = new float[_k.Length]; _dv = new float[_v.Length]; _dc = new float[_c.Length];
        _scratch = new float[checked(_net.Pool.Threads * _lq * _lk)];
    }

    public void Forward(int n, float[] xq, float[] xk, float[] xv, float[] output, bool training)
    {
        _query.Forward(xq, _q, n * _lq);
        _key.Forward(xk, _k, n * _lk);
        _value.Forward(xv, _v, n * _lk);
        (_n, _training) = (n, training);
        if (training && _dropout > 0) _mask = new DropoutMask(_net, _dropout, _salt);
        _net.Pool.Run(_forwardItems);
        _output.Forward(_c, output, n * _lq);
    }

    /// <summary>
    /// Gradients of every weight (overwritten) and of the inputs that are not null: the same array may be passed
    /// for several inputs (self-attention), then their gradients are summed into it.
    /// </summary>
    public void Backward(int n, float[] xq, float[] xk, float[] xv, float[] dOutput, float[]? dxq, float[]? dxk, float[]? dxv)
    {
        _output.Backward(_c, dOutput, n * _lq, _dc, accumulate: false);
        _n = n;
        _net.Pool.Run(_backwardItems);
        _query.Backward(xq, _dq, n * _lq, dxq, accumulate: false);
        _key.Backward(xk, _dk, n * _lk, dxk, accumulate: dxk is not null && ReferenceEquals(dxk, dxq));
        _value.Backward(xv, _dv, n * _lk, dxv, accumulate: dxv is not null && (ReferenceEquals(dxv, dxq) || ReferenceEquals(dxv, dxk)));
    }

    private void ForwardItems(int part)
    {
        var (i0, i1) = WorkerPool.Slice(_n * _heads, _net.Pool.Threads, part);
        bool drop = _training && _dropout > 0;
        for (int item = i0; item < i1; item++)
        {
            int s = item / _heads, h = item % _heads;
            int qOff = s * _lq * _hk + h * _keyDim, kOff = s * _lk * _hk + h * _keyDim, vOff = s * _lk * _hv + h * _valueDim;
            int pOff = item * _lq * _lk, cOff = s * _lq * _hv + h * _valueDim;
            // Keras scales the projected query; each item owns its head's block of Q.
            for (int r = 0; r < _lq; r++)
            {
                var row = _q.AsSpan(qOff + r * _hk, _keyDim);
                for (int j = 0; j < row.Length; j++) row[j] *= _scale;
            }
            var p = _p.AsSpan(pOff, _lq * _lk);
            for (int r = 0; r < _lq; r++)
            {
                var row = p.Slice(r * _lk, _lk);
                var q = _q.AsSpan(qOff + r * _hk, _keyDim);
                int last = _causal ? Math.Min(r, _lk - 1) : _lk - 1; // a causal row sees keys 0..r
                for (int j = 0; j <= last; j++) row[j] = HeadMath.Dot(q, _k.AsSpan(kOff + j * _hk, _keyDim));
                row[(last + 1)..].Fill(float.NegativeInfinity);
                ActivationMath.Softmax(row);
            }
            // Dropout of the probabilities: applied to a copy in the scratch, P itself stays for the backward pass.
            var weights = p;
            if (drop)
            {
                var d = _scratch.AsSpan(part * _lq * _lk, _lq * _lk);
                p.CopyTo(d);
                _mask.Apply(d, pOff);
                weights = d;
            }
            // C_h = P̃·V_h, row by row.
            for (int r = 0; r < _lq; r++)
            {
                var c = _c.AsSpan(cOff + r * _hv, _valueDim);
                c.Clear();
                var w = weights.Slice(r * _lk, _lk);
                for (int j = 0; j < _lk; j++)
                    if (w[j] != 0) HeadMath.Axpy(w[j], _v.AsSpan(vOff + j * _hv, _valueDim), c);
            }
        }
    }

    private void BackwardItems(int part)
    {
        var (i0, i1) = WorkerPool.Slice(_n * _heads, _net.Pool.Threads, part);
        bool drop = _dropout > 0;
        var dp = _scratch.AsSpan(part * _lq * _lk, _lq * _lk);
        for (int item = i0; item < i1; item++)
        {
            int s = item / _heads, h = item % _heads;
            int qOff = s * _lq * _hk + h * _keyDim, kOff = s * _lk * _hk + h * _keyDim, vOff = s * _lk * _hv + h * _valueDim;
            int pOff = item * _lq * _lk, cOff = s * _lq * _hv + h * _valueDim;
            var p = _p.AsSpan(pOff, _lq * _lk);
            // dV_h = P̃ᵀ·dC_h with P̃ the dropped probabilities (rebuilt in dp, which is then reused for dP).
            ReadOnlySpan<float> weights = p;
            if (drop) { p.CopyTo(dp); _mask.Apply(dp, pOff); weights = dp; }
            for (int j = 0; j < _lk; j++) _dv.AsSpan(vOff + j * _hv, _valueDim).Clear();
            for (int r = 0; r < _lq; r++)
            {
                var dc = _dc.AsSpan(cOff + r * _hv, _valueDim);
                var w = weights.Slice(r * _lk, _lk);
                for (int j = 0; j < _lk; j++)
                    if (w[j] != 0) HeadMath.Axpy(w[j], dc, _dv.AsSpan(vOff + j * _hv, _valueDim));
            }
            // dP = dC_h·V_hᵀ, through the dropout mask, then the softmax: dS = P ⊙ (dP − Σ_j dP·P).
            for (int r = 0; r < _lq; r++)
            {
                var dc = _dc.AsSpan(cOff + r * _hv, _valueDim);
                var pr = p.Slice(r * _lk, _lk);
                var gr = dp.Slice(r * _lk, _lk);
                for (int j = 0; j < _lk; j++) gr[j] = pr[j] == 0 ? 0 : HeadMath.Dot(dc, _v.AsSpan(vOff + j * _hv, _valueDim));
            }
            if (drop) _mask.Apply(dp, pOff);
            for (int r = 0; r < _lq; r++)
            {
                var pr = p.Slice(r * _lk, _lk);
                var gr = dp.Slice(r * _lk, _lk);
                double dot = 0;
                for (int j = 0; j < _lk; j++) dot += (double)pr[j] * gr[j];
                for (int j = 0; j < _lk; j++) gr[j] = pr[j] * (float)(gr[j] - dot);
            }
            // Q was scaled after its projection: dQ_raw = scale·dS·K_h; dK_h = dSᵀ·Q_scaled.
            for (int j = 0; j < _lk; j++) _dk.AsSpan(kOff + j * _hk, _keyDim).Clear();
            for (int r = 0; r < _lq; r++)
            {
                var dq = _dq.AsSpan(qOff + r * _hk, _keyDim);
                dq.Clear();
                var q = _q.AsSpan(qOff + r * _hk, _keyDim);
                var ds = dp.Slice(r * _lk, _lk);
                for (int j = 0; j < _lk; j++)
                {
                    if (ds[j] == 0) continue;
                    HeadMath.Axpy(_scale * ds[j], _k.AsSpan(kOff + j * _hk, _keyDim), dq);
                    HeadMath.Axpy(ds[j], q, _dk.AsSpan(kOff + j * _hk, _keyDim));
                }
            }
        }
    }
}
