using ModelCost.Core.Data;
using ModelCost.Core.Engines;

namespace ModelCost.Core.Engine;

/// <summary>How to evaluate trained weights: the split, the batch and, when known, the loss the model was trained with.</summary>
public sealed class EvaluationOptions : EngineRunOptions
{
    public DatasetSplit Split { get; set; } = DatasetSplit.Test;

    /// <summary>Samples per forward pass (memory, not results, depends on it).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// The loss to report; null = sparse categorical cross-entropy, or binary cross-entropy when the last
    /// layer is a sigmoid.
    /// </summary>
    public LossKind? Loss { get; set; }

    /// <summary>The last layer outputs logits; null = when its activation is linear.</summary>
    public bool? FromLogits { get; set; }
}
