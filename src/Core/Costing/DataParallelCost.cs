namespace ModelCost.Core.Costing;

/// <summary>
/// Per-device memory and communication of data-parallel training under DDP and ZeRO stages 1–3,
/// following Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter
/// Models" (SC 2020), Sections 5 and 7. The formulas and how they map onto the paper are in
/// docs/parallelism.md.
/// </summary>
public static class DataParallelCost
{
    /// <summary>
    /// Bytes of weights, gradients and optimizer state one device holds. Partitioned parts are split
    /// in <c>ceil(trainable / devices)</c> elements per device (the padding real implementations use);
    /// non-trainable weights (e.g. BatchNorm moving statistics, buffers in PyTorch) stay replicated.
    /// </summary>
    public static long ModelStateBytesPerDevice(long parameters, long trainable, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long b = CostFactors.BytesPerValue(options.Precision);
        long k = CostFactors.OptimizerStateBytesPerParameter(options.Optimizer, options.Precision);
        long shard = Shard(trainable, options.Devices);
        var p = options.Parallelism;
        long weightElems = checked(parameters - trainable + (p == Parallelism.ZeRO3 ? shard : trainable));
        long gradientElems = p is Parallelism.ZeRO2 or Parallelism.ZeRO3 ? shard : trainable;
        long stateElems = p == Parallelism.DDP ? trainable : shard;
        return checked(weightElems * b + gradientElems * b + stateElems * k);
    }

    /// <summary>
    /// Bytes one device sends per training step over a ring: an all-reduce is a reduce-scatter plus an
    /// all-gather, each sending (N − 1) chunks of <c>ceil(trainable / N)</c> elements. DDP, ZeRO-1 and
    /// ZeRO-2 move 2 such collectives' worth of gradients/weights; ZeRO-3 moves 3 (two weight
    /// all-gathers, forward and backward, and one gradient reduce-scatter). One device sends nothing.
    /// </summary>
    public static long CommunicationBytesPerStep(long trainable, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.Devices;
        if (n <= 1) return 0;
        long collectives = options.Parallelism == Parallelism.ZeRO3 ? 3 : 2;
        long b = CostFactors.BytesPerValue(options.Precision);
        return checked(collectives * (n - 1) * Shard(trainable, n) * b);
    }

    /// <summary>Elements of one device's partition: the count split evenly, rounded up.</summary>
    public static long Shard(long elements, int devices) => devices <= 1 ? elements : elements / devices + (elements % devices == 0 ? 0 : 1);
}
