namespace ModelCost.Core.Costing;

/// <summary>The memory factors the cost figures use: bytes per value and optimizer state per parameter.</summary>
public static class CostFactors
{
    /// <summary>Bytes per stored weight, gradient or activation value: Float32 4, Float16 2, BFloat16 2, Int8 1, Mixed 2 (the 16-bit copies).</summary>
    public static int BytesPerValue(Precision precision) => precision switch
    {
        Precision.Float32 => 4,
        Precision.Float16 => 2,
        Precision.BFloat16 => 2,
        Precision.Int8 => 1,
        Precision.Mixed => 2,
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

    /// <summary>
    /// Optimizer-state bytes per trainable parameter, the ZeRO paper's K: slots × bytes per value;
    /// under <see cref="Precision.Mixed"/> the state is 32-bit and includes the 32-bit master weights,
    /// K = 4 + 4 × slots (Adam 12, as in the paper's Section 3.1).
    /// </summary>
    public static int OptimizerStateBytesPerParameter(OptimizerKind optimizer, Precision precision) =>
        precision == Precision.Mixed
            ? 4 + 4 * OptimizerStateSlots(optimizer)
            : OptimizerStateSlots(optimizer) * BytesPerValue(precision);
}
