namespace ModelCost.Core.Costing;

/// <summary>How training FLOPs per sample are counted.</summary>
public enum TrainingFlopsMethod
{
    /// <summary>Forward plus each layer's backward (weight and input gradients; none for the first layer's input).</summary>
    Exact,

    /// <summary>Three times the forward count (seed 000's rule of thumb).</summary>
    ThreeTimesForward,
}
