using ModelCost.Core.Engine.Runtime;

namespace ModelCost.Core.Engine.Transformer;

/// <summary>
/// Counter-based inverted dropout for tensors inside a layer (attention probabilities, a block's residual
/// branches): whether element i is kept is a hash of (seed, step, salt, i), so the backward pass recomputes
/// the mask instead of storing it and results do not depend on the thread count.
/// </summary>
internal readonly struct DropoutMask
{
    private readonly ulong _key;
    private readonly double _threshold;

    public DropoutMask(Network net, double rate, ulong salt)
    {
        Rate = rate;
        Scale = rate > 0 ? (float)(1.0 / (1.0 - rate)) : 1f;
        _key = DeterministicRandom.Mix((ulong)(uint)net.Seed, (ulong)net.Step, salt);
        _threshold = rate * (1UL << 53);
    }

    public double Rate { get; }

    /// <summary>1/(1 − rate): the factor kept elements are multiplied by.</summary>
    public float Scale { get; }

    /// <summary>The factor for element <paramref name="index"/>: 0 when dropped, <see cref="Scale"/> when kept.</summary>
    public float Factor(long index) => (DeterministicRandom.Mix(_key, (ulong)index, 0) >> 11) >= _threshold ? Scale : 0f;

    /// <summary>x[i] *= factor(offset + i) over a span (forward and backward are the same operation).</summary>
    public void Apply(Span<float> x, long offset)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= Factor(offset + i);
    }
}
