using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// SimpleRNN, LSTM (gates i, f, c, o) and GRU (gates z, r, h; reset_after=True: the reset gate
/// multiplies the recurrent projection including its own bias row) with Keras equations and
/// weight layout. Each thread owns a shard of the batch through all timesteps: one GEMM for the
/// input projection of every step, one per step for the recurrence, and backpropagation through
/// time with per-thread weight-gradient partials summed in thread order.
/// </summary>
internal sealed class RecurrentLayer : Layer
{
    private enum Cell { Simple, Lstm, Gru }

    private readonly Cell _cell;
    private readonly int _t, _f, _u, _gu, _kOff, _rOff, _bOff;
    private readonly bool _bias, _seq;
    private readonly ActivationKind _act, _ract;
    private readonly Action<int> _fwd, _bwd;
    private float[] _z = [], _h = [], _aux = [], _dz = [], _dInner = [], _partials = [];
    private float[][] _rec = [], _dh = [], _dc = [];
    private int _n;

    public RecurrentLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _cell = l.Type switch { LayerTypes.LSTM => Cell.Lstm, LayerTypes.GRU => Cell.Gru, _ => Cell.Simple };
        (_t, _f) = (l.InputShape[0], l.InputShape[1]);
        _u = l.Units;
        _gu = _u * (_cell switch { Cell.Lstm => 4, Cell.Gru => 3, _ => 1 });
        _bias = l.UseBias;
        _seq = l.ReturnSequences;
        _kOff = net.Offset(l.Name + ".kernel");
        _rOff = net.Offset(l.Name + ".recurrent_kernel");
        _bOff = _bias ? net.Offset(l.Name + ".bias") : -1;
        _act = ActivationMath.Parse(l.Activation);
        _ract = ActivationMath.Parse(l.RecurrentActivation);
        _fwd = ForwardShard;
        _bwd = BackwardShard;
    }

    /// <summary>Activations whose derivative the cell recomputes from stored outputs.</summary>
    public static bool Supports(string activation)
    {
        var k = ActivationMath.Parse(activation);
        return k is not (ActivationKind.Softmax or ActivationKind.Gelu or ActivationKind.Swish);
    }

    public override void Allocate(int capacity, bool training)
    {
        int steps = checked(capacity * _t);
        _z = new float[checked(steps * _gu)];
        _h = _seq ? Output : new float[checked(steps * _u)];
        if (_cell != Cell.Simple) _aux = new float[checked(steps * _u)]; // LSTM cell state, GRU recurrent h-projection
        int shard = (capacity + Threads - 1) / Threads;
        _rec = new float[Threads][]; _dh = new float[Threads][]; _dc = new float[Threads][];
        for (int p = 0; p < Threads; p++)
        {
            _rec[p] = new float[shard * _gu];
            if (training) { _dh[p] = new float[shard * _u]; _dc[p] = new float[shard * _u]; }
        }
        if (training)
        {
            _dz = new float[_z.Length];
            if (_cell == Cell.Gru) _dInner = new float[_z.Length];
            _partials = new float[Threads * PartialLength];
        }
    }

    private int BiasLength => !_bias ? 0 : _cell == Cell.Gru ? 2 * _gu : _gu;
    private int PartialLength => _f * _gu + _u * _gu + BiasLength;

    public override void Forward(int n, bool training) { _n = n; Pool.Run(_fwd); }

    private void ForwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int ns = s1 - s0;
        if (ns <= 0) return;
        var p = P;
        var x = Inputs[0];
        int tu = _t * _u, tgu = _t * _gu;
        var z = _z.AsSpan(s0 * tgu, ns * tgu);
        Gemm.Sgemm(false, false, ns * _t, _gu, _f, 1f, x.AsSpan(s0 * _t * _f, ns * _t * _f), _f, p.AsSpan(_kOff, _f * _gu), _gu, 0f, z, _gu);
        if (_bias)
        {
            var b = p.AsSpan(_bOff, _gu);
            for (int r = 0; r < z.Length; r += _gu)
                for (int j = 0; j < _gu; j++) z[r + j] += b[j];
        }
        var rec = _rec[part].AsSpan(0, ns * _gu);
        var ur = p.AsSpan(_rOff, _u * _gu);
        for (int t = 0; t < _t; t++)
        {
            ThrowIfCancelled();
            if (t > 0) Gemm.Sgemm(false, false, ns, _gu, _u, 1f, _h.AsSpan((s0 * _t + t - 1) * _u), tu, ur, _gu, 0f, rec, _gu);
            else rec.Clear();
            if (_cell == Cell.Gru && _bias)
            {
                var br = p.AsSpan(_bOff + _gu, _gu);
                for (int i = 0; i < ns; i++)
                    for (int j = 0; j < _gu; j++) rec[i * _gu + j] += br[j];
            }
            for (int i = 0; i < ns; i++)
            {
                int s = s0 + i;
                var zs = _z.AsSpan((s * _t + t) * _gu, _gu);
                var rs = rec.Slice(i * _gu, _gu);
                var hs = _h.AsSpan((s * _t + t) * _u, _u);
                switch (_cell)
                {
                    case Cell.Simple:
                        for (int j = 0; j < _u; j++) hs[j] = zs[j] = ActivationMath.Scalar(_act, zs[j] + rs[j]);
                        break;
                    case Cell.Lstm:
                    {
                        var cs = _aux.AsSpan((s * _t + t) * _u, _u);
                        for (int j = 0; j < _u; j++)
                        {
                            float ig = ActivationMath.Scalar(_ract, zs[j] + rs[j]);
                            float fg = ActivationMath.Scalar(_ract, zs[_u + j] + rs[_u + j]);
                            float gg = ActivationMath.Scalar(_act, zs[2 * _u + j] + rs[2 * _u + j]);
                            float og = ActivationMath.Scalar(_ract, zs[3 * _u + j] + rs[3 * _u + j]);
                            float cPrev = t > 0 ? _aux[(s * _t + t - 1) * _u + j] : 0f;
                            float c = fg * cPrev + ig * gg;
                            cs[j] = c;
                            hs[j] = og * ActivationMath.Scalar(_act, c);
                            zs[j] = ig; zs[_u + j] = fg; zs[2 * _u + j] = gg; zs[3 * _u + j] = og;
                        }
                        break;
                    }
                    case Cell.Gru:
                    {
                        var inner = _aux.AsSpan((s * _t + t) * _u, _u);
                        for (int j = 0; j < _u; j++)
                        {
                            float zg = ActivationMath.Scalar(_ract, zs[j] + rs[j]);
                            float rg = ActivationMath.Scalar(_ract, zs[_u + j] + rs[_u + j]);
                            float rh = rs[2 * _u + j];
                            float hh = ActivationMath.Scalar(_act, zs[2 * _u + j] + rg * rh);
                            float hPrev = t > 0 ? _h[(s * _t + t - 1) * _u + j] : 0f;
                            inner[j] = rh;
                            hs[j] = zg * hPrev + (1 - zg) * hh;
                            zs[j] = zg; zs[_u + j] = rg; zs[2 * _u + j] = hh;
                        }
                        break;
                    }
                }
            }
        }
        if (!_seq)
            for (int s = s0; s < s1; s++) _h.AsSpan((s * _t + _t - 1) * _u, _u).CopyTo(Output.AsSpan(s * _u));
    }

    public override void Backward(int n)
    {
        _n = n;
        Pool.Run(_bwd);
        ReducePartials(_partials, PartialLength, 0, _kOff, _f * _gu);
        ReducePartials(_partials, PartialLength, _f * _gu, _rOff, _u * _gu);
        if (_bias) ReducePartials(_partials, PartialLength, _f * _gu + _u * _gu, _bOff, BiasLength);
    }

    private void BackwardShard(int part)
    {
        var pspan = _partials.AsSpan(part * PartialLength, PartialLength);
        pspan.Clear();
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int ns = s1 - s0;
        if (ns <= 0) return;
        var p = P;
        var x = Inputs[0];
        var dy = OutputGrad!;
        int tu = _t * _u, tgu = _t * _gu;
        var dh = _dh[part].AsSpan(0, ns * _u);
        var dc = _dc[part].AsSpan(0, ns * _u);
        dh.Clear(); dc.Clear();
        var ur = p.AsSpan(_rOff, _u * _gu);
        var dRec = _cell == Cell.Gru ? _dInner : _dz; // gradient reaching the recurrent projection
        for (int t = _t - 1; t >= 0; t--)
        {
            for (int i = 0; i < ns; i++)
            {
                int s = s0 + i;
                var dhi = dh.Slice(i * _u, _u);
                if (_seq) { var e = dy.AsSpan((s * _t + t) * _u, _u); for (int j = 0; j < _u; j++) dhi[j] += e[j]; }
                else if (t == _t - 1) { var e = dy.AsSpan(s * _u, _u); for (int j = 0; j < _u; j++) dhi[j] += e[j]; }
                var zs = _z.AsSpan((s * _t + t) * _gu, _gu);
                var dzs = _dz.AsSpan((s * _t + t) * _gu, _gu);
                switch (_cell)
                {
                    case Cell.Simple:
                        for (int j = 0; j < _u; j++) dzs[j] = dhi[j] * ActivationMath.DerivativeFromOutput(_act, zs[j]);
                        break;
                    case Cell.Lstm:
                    {
                        var dci = dc.Slice(i * _u, _u);
                        for (int j = 0; j < _u; j++)
                        {
                            float ig = zs[j], fg = zs[_u + j], gg = zs[2 * _u + j], og = zs[3 * _u + j];
                            float c = _aux[(s * _t + t) * _u + j];
                            float cPrev = t > 0 ? _aux[(s * _t + t - 1) * _u + j] : 0f;
                            float tc = ActivationMath.Scalar(_act, c);
                            float dO = dhi[j] * tc;
                            float dC = dhi[j] * og * ActivationMath.DerivativeFromOutput(_act, tc) + dci[j];
                            dzs[j] = dC * gg * ActivationMath.DerivativeFromOutput(_ract, ig);
                            dzs[_u + j] = dC * cPrev * ActivationMath.DerivativeFromOutput(_ract, fg);
                            dzs[2 * _u + j] = dC * ig * ActivationMath.DerivativeFromOutput(_act, gg);
                            dzs[3 * _u + j] = dO * ActivationMath.DerivativeFromOutput(_ract, og);
                            dci[j] = dC * fg;
                        }
                        break;
                    }
                    case Cell.Gru:
                    {
                        var dis = _dInner.AsSpan((s * _t + t) * _gu, _gu);
                        for (int j = 0; j < _u; j++)
                        {
                            float zg = zs[j], rg = zs[_u + j], hh = zs[2 * _u + j];
                            float rh = _aux[(s * _t + t) * _u + j];
                            float hPrev = t > 0 ? _h[(s * _t + t - 1) * _u + j] : 0f;
                            float dH = dhi[j];
                            float dxh = dH * (1 - zg) * ActivationMath.DerivativeFromOutput(_act, hh);
                            float dxr = dxh * rh * ActivationMath.DerivativeFromOutput(_ract, rg);
                            float dxz = dH * (hPrev - hh) * ActivationMath.DerivativeFromOutput(_ract, zg);
                            dzs[j] = dxz; dzs[_u + j] = dxr; dzs[2 * _u + j] = dxh;
                            dis[j] = dxz; dis[_u + j] = dxr; dis[2 * _u + j] = dxh * rg;
                            dhi[j] = dH * zg; // direct path; the recurrent GEMM adds the rest
                        }
                        break;
                    }
                }
            }
            if (t > 0)
                Gemm.Sgemm(false, true, ns, _u, _gu, 1f, dRec.AsSpan((s0 * _t + t) * _gu), tgu, ur, _gu,
                    _cell == Cell.Gru ? 1f : 0f, dh, _u);
        }
        var dW = pspan.Slice(0, _f * _gu);
        var dU = pspan.Slice(_f * _gu, _u * _gu);
        Gemm.Sgemm(true, false, _f, _gu, ns * _t, 1f, x.AsSpan(s0 * _t * _f, ns * _t * _f), _f, _dz.AsSpan(s0 * tgu, ns * tgu), _gu, 0f, dW, _gu);
        if (_t > 1)
            for (int s = s0; s < s1; s++)
                Gemm.Sgemm(true, false, _u, _gu, _t - 1, 1f, _h.AsSpan(s * tu, (_t - 1) * _u), _u, dRec.AsSpan(s * tgu + _gu, (_t - 1) * _gu), _gu, 1f, dU, _gu);
        if (_bias)
        {
            var db = pspan.Slice(_f * _gu + _u * _gu, BiasLength);
            for (int r = s0 * _t; r < s1 * _t; r++)
                for (int j = 0; j < _gu; j++) db[j] += _dz[r * _gu + j];
            if (_cell == Cell.Gru)
                for (int r = s0 * _t; r < s1 * _t; r++)
                    for (int j = 0; j < _gu; j++) db[_gu + j] += _dInner[r * _gu + j];
        }
        if (InputGrads[0] is { } dx)
            Gemm.Sgemm(false, true, ns * _t, _f, _gu, 1f, _dz.AsSpan(s0 * tgu, ns * tgu), _gu, p.AsSpan(_kOff, _f * _gu), _gu, 0f, dx.AsSpan(s0 * _t * _f, ns * _t * _f), _f);
    }
}
