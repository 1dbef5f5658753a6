using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// BatchNormalization on the last axis (Keras): training normalises with the batch's mean and
/// biased variance and moves the moving statistics by momentum (moving = moving·m + batch·(1 − m));
/// inference uses the moving statistics. Channel sums are per-thread partials (double) over fixed
/// row shards, combined in thread order; mean and variance take two passes for accuracy.
/// </summary>
internal sealed unsafe class BatchNormLayer : Layer
{
    private readonly int _c, _gOff, _bOff, _mOff, _vOff;
    private readonly double _eps, _momentum;
    private readonly Action<int> _sumPass, _varPass, _normalize, _gradSums, _gradInput;
    private readonly double[] _mean, _invStd, _gInv;
    private readonly float[] _scale, _shift; // y = x·scale + shift per channel
    private double[] _partials = [];
    private double[] _sumDy = [], _sumDyXhat = [];
    private int _rows;

    public BatchNormLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _c = l.InputShape[^1];
        _eps = l.Epsilon;
        _momentum = l.Momentum;
        _gOff = net.Offset(l.Name + ".gamma");
        _bOff = net.Offset(l.Name + ".beta");
        _mOff = net.Offset(l.Name + ".moving_mean");
        _vOff = net.Offset(l.Name + ".moving_variance");
        _mean = new double[_c]; _invStd = new double[_c]; _gInv = new double[_c];
        _scale = new float[_c]; _shift = new float[_c];
        _sumDy = new double[_c]; _sumDyXhat = new double[_c];
        _sumPass = SumShard; _varPass = VarShard; _normalize = NormalizeShard; _gradSums = GradSumShard; _gradInput = GradInputShard;
    }

    public override void Allocate(int capacity, bool training)
    {
        _partials = new double[Threads * 2 * _c];
    }

    public override void Forward(int n, bool training)
    {
        _rows = n * (OutSize / _c);
        var state = Net.State;
        var p = P;
        if (training)
        {
            Pool.Run(_sumPass);
            Combine(_mean, 0, 1.0 / _rows);
            Pool.Run(_varPass);
            var variance = new Span<double>(_invStd); // reuse: variance first, then 1/sqrt
            Combine(_invStd, 0, 1.0 / _rows);
            for (int j = 0; j < _c; j++)
            {
                double v = variance[j];
                state[_mOff + j] = (float)(state[_mOff + j] * _momentum + _mean[j] * (1 - _momentum));
                state[_vOff + j] = (float)(state[_vOff + j] * _momentum + v * (1 - _momentum));
                _invStd[j] = 1.0 / Math.Sqrt(v + _eps);
            }
        }
        else
        {
            for (int j = 0; j < _c; j++)
            {
                _mean[j] = state[_mOff + j];
                _invStd[j] = 1.0 / Math.Sqrt(state[_vOff + j] + _eps);
            }
        }
        for (int j = 0; j < _c; j++)
        {
            double sc = p[_gOff + j] * _invStd[j];
            _scale[j] = (float)sc;
            _shift[j] = (float)(p[_bOff + j] - _mean[j] * sc);
        }
        Pool.Run(_normalize);
    }

    private void Combine(double[] dst, int which, double scale)
    {
        for (int j = 0; j < _c; j++)
        {
            double s = 0;
            for (int t = 0; t < Threads; t++) s += _partials[(t * 2 + which) * _c + j];
            dst[j] = s * scale;
        }
    }

    private void SumShard(int part)
    {
        var acc = _partials.AsSpan(part * 2 * _c, _c);
        acc.Clear();
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        fixed (float* x = Inputs[0])
        fixed (double* a = acc)
            ChannelKernels.Sum(x + (long)r0 * _c, r1 - r0, _c, a);
    }

    private void VarShard(int part)
    {
        var acc = _partials.AsSpan(part * 2 * _c, _c);
        acc.Clear();
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        fixed (float* x = Inputs[0])
        fixed (double* a = acc, mean = _mean)
            ChannelKernels.SumSquaredDeviations(x + (long)r0 * _c, r1 - r0, _c, mean, a);
    }

    private void NormalizeShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        fixed (float* x = Inputs[0], y = Output, scale = _scale, shift = _shift)
            ChannelKernels.ScaleShift(x + (long)r0 * _c, y + (long)r0 * _c, r1 - r0, _c, scale, shift);
    }

    public override void Backward(int n)
    {
        _rows = n * (OutSize / _c);
        Pool.Run(_gradSums);
        var g = G;
        for (int j = 0; j < _c; j++)
        {
            double sdy = 0, sdyx = 0;
            for (int t = 0; t < Threads; t++) { sdy += _partials[(t * 2) * _c + j]; sdyx += _partials[(t * 2 + 1) * _c + j]; }
            _sumDy[j] = sdy; _sumDyXhat[j] = sdyx;
            g[_gOff + j] = (float)sdyx;
            g[_bOff + j] = (float)sdy;
            _gInv[j] = P[_gOff + j] * _invStd[j];
        }
        if (InputGrads[0] is not null) Pool.Run(_gradInput);
    }

    private void GradSumShard(int part)
    {
        var sdy = _partials.AsSpan(part * 2 * _c, _c);
        var sdyx = _partials.AsSpan((part * 2 + 1) * _c, _c);
        sdy.Clear(); sdyx.Clear();
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        long o = (long)r0 * _c;
        fixed (float* x = Inputs[0], dy = OutputGrad)
        fixed (double* a = sdy, b = sdyx, mean = _mean, invStd = _invStd)
            ChannelKernels.GradientSums(x + o, dy + o, r1 - r0, _c, mean, invStd, a, b);
    }

    // dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂))
    private void GradInputShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        long o = (long)r0 * _c;
        fixed (float* x = Inputs[0], dy = OutputGrad, dx = InputGrads[0])
        fixed (double* mean = _mean, invStd = _invStd, gInv = _gInv, sumDy = _sumDy, sumDyXhat = _sumDyXhat)
            ChannelKernels.InputGradient(x + o, dy + o, dx + o, r1 - r0, _c, mean, invStd, gInv, sumDy, sumDyXhat, 1.0 / _rows);
    }
}
