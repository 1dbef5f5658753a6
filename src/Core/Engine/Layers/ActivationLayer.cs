using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// The Activation layer: an elementwise (or row-softmax) function, batch shards per thread. A
/// leaky_relu layer with its own negative_slope (Keras' LeakyReLU layer: 0.3) is applied here; the
/// shared activation code uses the leaky_relu activation's default slope.
/// </summary>
internal sealed class ActivationLayer : Layer
{
    private readonly Action<int> _fwd, _bwd;
    private readonly float? _slope;
    private int _n;

    public ActivationLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        Act = ActivationMath.Parse(l.Activation);
        if (Act == ActivationKind.LeakyRelu && (float)l.NegativeSlope != ActivationMath.LeakySlope) _slope = (float)l.NegativeSlope;
        _fwd = part =>
        {
            var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
            if (s1 <= s0) return;
            var src = Inputs[0].AsSpan(s0 * OutSize, (s1 - s0) * OutSize);
            if (_slope is { } a)
            {
                var dst = Output.AsSpan(s0 * OutSize, src.Length);
                for (int i = 0; i < src.Length; i++) dst[i] = src[i] > 0 ? src[i] : a * src[i];
                return;
            }
            src.CopyTo(Output.AsSpan(s0 * OutSize));
            Activate(s0 * OutSize, (s1 - s0) * OutSize);
        };
        _bwd = part =>
        {
            var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
            if (s1 <= s0) return;
            if (_slope is { } a)
            {
                var y = Output.AsSpan(s0 * OutSize, (s1 - s0) * OutSize);
                var g = OutputGrad.AsSpan(s0 * OutSize, y.Length);
                var dx = InputGrads[0].AsSpan(s0 * OutSize, y.Length);
                // With a >= 0, y > 0 exactly when x > 0.
                for (int i = 0; i < y.Length; i++) dx[i] = y[i] > 0 ? g[i] : a * g[i];
                return;
            }
            ActivationBackward(s0 * OutSize, (s1 - s0) * OutSize);
            OutputGrad.AsSpan(s0 * OutSize, (s1 - s0) * OutSize).CopyTo(InputGrads[0].AsSpan(s0 * OutSize));
        };
    }

    public override void Forward(int n, bool training) { _n = n; Pool.Run(_fwd); }

    public override void Backward(int n)
    {
        if (InputGrads[0] is null && FusedActivation) return;
        _n = n;
        if (InputGrads[0] is not null) Pool.Run(_bwd);
    }
}
