namespace ModelCost.Core.Costing;

/// <summary>The memory factors the cost figures use: bytes per value and optimizer state slots.</summary>
public static class CostFactors
{
    /// <summary>Bytes per value: Float32 4, Float16 2, BFloat16 2, Int8 1.</summary>
    public static int BytesPerValue(Precision precision) => precision switch
    {
        Precision.Float32 => 4,
        Precision.Float16 => 2,
        Precision.BFloat16 => 2,
        Precision.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
    };

    /// <summary>
    /// State values kept per trainable parameter: Adam/AdamW 2 (first and second moments),
    /// Momentum 1 (velocity), RMSprop 1 (mean square), Adagrad 1 (accumulator), SGD 0.
    /// </summary>
    public static int OptimizerStateSlots(OptimizerKind optimizer) => optimizer switch
    {
        OptimizerKind.Adam or OptimizerKind.AdamW => 2,
        OptimizerKind.Momentum or OptimizerKind.RMSprop or OptimizerKind.Adagrad => 1,
        OptimizerKind.SGD => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer."),
    };
}
