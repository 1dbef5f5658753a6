using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Max or average pooling over 1, 2 or 3 spatial dims (NDHWC), including the global variants
/// (window = whole input). "same" padding ignores padded cells, as TF does (average divides by the
/// valid count). Max backward keeps no index tensor: it finds the window's first maximal input
/// again and routes the gradient there. Batch shards per thread.
/// </summary>
internal sealed class PoolLayer : Layer
{
    private readonly bool _max;
    private readonly int _d, _h, _w, _c, _kd, _kh, _kw, _sd, _sh, _sw, _pd, _ph, _pw, _od, _oh, _ow;
    private readonly Action<int> _fwd, _bwd;
    private int _n;

    public PoolLayer(Network net, ResolvedLayer l, bool max, bool global) : base(net, l)
    {
        _max = max;
        var ins = l.InputShape;
        int rank = ins.Length - 1;
        int[] Pad3(int[] v, int fill) => rank switch { 1 => [fill, fill, v[0]], 2 => [fill, v[0], v[1]], _ => [v[0], v[1], v[2]] };
        var sp = Pad3(ins[..^1], 1); (_d, _h, _w) = (sp[0], sp[1], sp[2]);
        _c = ins[^1];
        if (global)
        {
            (_kd, _kh, _kw) = (_d, _h, _w);
            (_sd, _sh, _sw) = (1, 1, 1);
            (_od, _oh, _ow) = (1, 1, 1);
        }
        else
        {
            var k = Pad3(l.PoolSize, 1); (_kd, _kh, _kw) = (k[0], k[1], k[2]);
            var s = Pad3(l.Strides, 1); (_sd, _sh, _sw) = (s[0], s[1], s[2]);
            var p = Pad3(l.PadBefore, 0); (_pd, _ph, _pw) = (p[0], p[1], p[2]);
            var o = Pad3(l.OutputShape[..^1], 1); (_od, _oh, _ow) = (o[0], o[1], o[2]);
        }
        _fwd = ForwardShard;
        _bwd = BackwardShard;
    }

    public override void Forward(int n, bool training) { _n = n; Pool.Run(_fwd); }

    public override void Backward(int n)
    {
        if (InputGrads[0] is null) return;
        _n = n;
        Pool.Run(_bwd);
    }

    private WindowGeometry Geometry => new(_d, _h, _w, _c, _kd, _kh, _kw, _sd, _sh, _sw, _pd, _ph, _pw, _od, _oh, _ow);

    // Per-sample kernels vectorised across channels (Kernels/PoolKernels).
    private void ForwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int inSize = InSizes[0];
        var g = Geometry;
        for (int s = s0; s < s1; s++)
        {
            var x = Inputs[0].AsSpan(s * inSize, inSize);
            var y = Output.AsSpan(s * OutSize, OutSize);
            if (_max) PoolKernels.MaxForward(x, y, g);
            else PoolKernels.AvgForward(x, y, g);
        }
    }

    private void BackwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int inSize = InSizes[0];
        var g = Geometry;
        for (int s = s0; s < s1; s++)
        {
            var dy = OutputGrad.AsSpan(s * OutSize, OutSize);
            var dx = InputGrads[0].AsSpan(s * inSize, inSize);
            if (_max) PoolKernels.MaxBackward(Inputs[0].AsSpan(s * inSize, inSize), Output.AsSpan(s * OutSize, OutSize), dy, dx, g);
            else PoolKernels.AvgBackward(dy, dx, g);
        }
    }
}
