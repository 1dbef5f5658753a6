using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Inverted dropout (Keras): in training each element is kept with probability 1 − rate and scaled
/// by 1/(1 − rate); identity in inference. The keep decision is a hash of (seed, step, layer,
/// element), so masks do not depend on the thread count.
/// </summary>
internal sealed class DropoutLayer : Layer
{
    private readonly double _rate;
    private readonly float _scale;
    private readonly Action<int> _fwd, _bwd;
    private byte[] _mask = [];
    private int _n;
    private bool _training;

    public DropoutLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _rate = l.Rate;
        _scale = (float)(1.0 / (1.0 - _rate));
        _fwd = ForwardShard;
        _bwd = BackwardShard;
    }

    public override void Allocate(int capacity, bool training)
    {
        if (training) _mask = new byte[checked(capacity * OutSize)];
    }

    public override void Forward(int n, bool training)
    {
        _n = n;
        _training = training && _rate > 0;
        Pool.Run(_fwd);
    }

    private void ForwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int a = s0 * OutSize, b = s1 * OutSize;
        var x = Inputs[0];
        if (!_training) { x.AsSpan(a, b - a).CopyTo(Output.AsSpan(a)); return; }
        ulong key = DeterministicRandom.Mix((ulong)(uint)Net.Seed, (ulong)Net.Step, 0xD50F + (ulong)Spec.Index);
        double threshold = _rate * (1UL << 53);
        for (int i = a; i < b; i++)
        {
            ulong r = DeterministicRandom.Mix(key, (ulong)i, 0) >> 11;
            bool keep = r >= threshold;
            _mask[i] = keep ? (byte)1 : (byte)0;
            Output[i] = keep ? x[i] * _scale : 0f;
        }
    }

    public override void Backward(int n)
    {
        if (InputGrads[0] is null) return;
        _n = n;
        Pool.Run(_bwd);
    }

    private void BackwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        var dy = OutputGrad!;
        var dx = InputGrads[0]!;
        for (int i = s0 * OutSize; i < s1 * OutSize; i++)
            dx[i] = _training && _mask[i] == 0 ? 0f : _training ? dy[i] * _scale : dy[i];
    }
}
