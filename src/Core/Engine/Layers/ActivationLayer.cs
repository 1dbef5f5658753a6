using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>The Activation layer: an elementwise (or row-softmax) function, batch shards per thread.</summary>
internal sealed class ActivationLayer : Layer
{
    private readonly Action<int> _fwd, _bwd;
    private int _n;

    public ActivationLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        Act = ActivationMath.Parse(l.Activation);
        _fwd = part =>
        {
            var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
            if (s1 <= s0) return;
            Inputs[0].AsSpan(s0 * OutSize, (s1 - s0) * OutSize).CopyTo(Output.AsSpan(s0 * OutSize));
            Activate(s0 * OutSize, (s1 - s0) * OutSize);
        };
        _bwd = part =>
        {
            var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
            if (s1 <= s0) return;
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
