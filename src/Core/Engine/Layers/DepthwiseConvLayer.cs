using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// DepthwiseConv2D (NHWC, kernel (kh, kw, cin, depth_multiplier), output channel c·dm + m):
/// direct loops over batch shards, per-thread weight-gradient partials summed in thread order.
/// </summary>
internal sealed class DepthwiseConvLayer : Layer
{
    private readonly int _h, _w, _c, _dm, _kh, _kw, _sh, _sw, _ph, _pw, _oh, _ow, _co, _kOff, _bOff, _klen;
    private readonly bool _bias;
    private readonly Action<int> _fwd, _bwd;
    private float[] _partials = [];
    private int _n;

    public DepthwiseConvLayer(Network net, ResolvedLayer l, string kernelParam = "depthwise_kernel") : base(net, l)
    {
        (_h, _w, _c) = (l.InputShape[0], l.InputShape[1], l.InputShape[2]);
        _dm = l.DepthMultiplier;
        (_kh, _kw) = (l.KernelSize[0], l.KernelSize[1]);
        (_sh, _sw) = (l.Strides[0], l.Strides[1]);
        (_ph, _pw) = (l.PadBefore[0], l.PadBefore[1]);
        (_oh, _ow) = (l.OutputShape[0], l.OutputShape[1]);
        _co = _c * _dm;
        _klen = _kh * _kw * _co;
        _bias = l.UseBias;
        _kOff = net.Offset(l.Name + "." + kernelParam);
        _bOff = _bias ? net.Offset(l.Name + ".bias") : -1;
        Act = ActivationMath.Parse(l.Activation);
        _fwd = ForwardShard;
        _bwd = BackwardShard;
    }

    public override void Allocate(int capacity, bool training)
    {
        if (training) _partials = new float[Threads * (_klen + (_bias ? _co : 0))];
    }

    public override void Forward(int n, bool training) { _n = n; Pool.Run(_fwd); }

    private void ForwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        var w = P.AsSpan(_kOff, _klen);
        int inSize = InSizes[0];
        for (int s = s0; s < s1; s++)
        {
            var x = Inputs[0].AsSpan(s * inSize, inSize);
            var y = Output.AsSpan(s * OutSize, OutSize);
            for (int oh = 0; oh < _oh; oh++)
                for (int ow = 0; ow < _ow; ow++)
                {
                    var dst = y.Slice((oh * _ow + ow) * _co, _co);
                    if (_bias) P.AsSpan(_bOff, _co).CopyTo(dst); else dst.Clear();
                    for (int kh = 0; kh < _kh; kh++)
                    {
                        int ih = oh * _sh - _ph + kh;
                        if ((uint)ih >= (uint)_h) continue;
                        for (int kw = 0; kw < _kw; kw++)
                        {
                            int iw = ow * _sw - _pw + kw;
                            if ((uint)iw >= (uint)_w) continue;
                            var src = x.Slice((ih * _w + iw) * _c, _c);
                            var k = w.Slice((kh * _kw + kw) * _co, _co);
                            for (int c = 0; c < _c; c++)
                                for (int m = 0; m < _dm; m++) dst[c * _dm + m] += src[c] * k[c * _dm + m];
                        }
                    }
                }
            Activate(s * OutSize, OutSize);
        }
    }

    public override void Backward(int n)
    {
        _n = n;
        Pool.Run(_bwd);
        int stride = _klen + (_bias ? _co : 0);
        ReducePartials(_partials, stride, 0, _kOff, _klen);
        if (_bias) ReducePartials(_partials, stride, _klen, _bOff, _co);
    }

    private void BackwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int stride = _klen + (_bias ? _co : 0);
        var dw = _partials.AsSpan(part * stride, _klen);
        var db = _bias ? _partials.AsSpan(part * stride + _klen, _co) : default;
        dw.Clear(); db.Clear();
        var w = P.AsSpan(_kOff, _klen);
        int inSize = InSizes[0];
        var dxAll = InputGrads[0];
        for (int s = s0; s < s1; s++)
        {
            ActivationBackward(s * OutSize, OutSize);
            var x = Inputs[0].AsSpan(s * inSize, inSize);
            var dy = OutputGrad.AsSpan(s * OutSize, OutSize);
            var dx = dxAll is null ? default : dxAll.AsSpan(s * inSize, inSize);
            dx.Clear();
            for (int oh = 0; oh < _oh; oh++)
                for (int ow = 0; ow < _ow; ow++)
                {
                    var g = dy.Slice((oh * _ow + ow) * _co, _co);
                    if (_bias) for (int j = 0; j < _co; j++) db[j] += g[j];
                    for (int kh = 0; kh < _kh; kh++)
                    {
                        int ih = oh * _sh - _ph + kh;
                        if ((uint)ih >= (uint)_h) continue;
                        for (int kw = 0; kw < _kw; kw++)
                        {
                            int iw = ow * _sw - _pw + kw;
                            if ((uint)iw >= (uint)_w) continue;
                            int xo = (ih * _w + iw) * _c, ko = (kh * _kw + kw) * _co;
                            for (int c = 0; c < _c; c++)
                            {
                                float xv = x[xo + c], acc = 0;
                                for (int m = 0; m < _dm; m++)
                                {
                                    float gv = g[c * _dm + m];
                                    dw[ko + c * _dm + m] += xv * gv;
                                    acc += gv * w[ko + c * _dm + m];
                                }
                                if (dxAll is not null) dx[xo + c] += acc;
                            }
                        }
                    }
                }
        }
    }
}
