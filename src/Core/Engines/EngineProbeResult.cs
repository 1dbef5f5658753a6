using ModelCost.Core.Engine;

namespace ModelCost.Core.Engines;

/// <summary>What <see cref="IEngineProbe.Probe"/> returns: the last layer's logits (batch × outputs), the batch-mean loss and every trainable weight's gradient (WeightLayout names and shapes).</summary>
public sealed class EngineProbeResult
{
    public required float[] Logits { get; init; }
    public required double Loss { get; init; }
    public required IReadOnlyList<NamedTensor> Gradients { get; init; }
}
