using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Costing;

/// <summary>How to cost a model: the counting convention and the training/memory assumptions.</summary>
public sealed class CostOptions
{
    /// <summary>The FLOP-counting convention (default <see cref="CostConvention.Flops"/>).</summary>
    public CostConvention Convention { get; init; } = CostConvention.Default;

    /// <summary>Samples per step on one device; scales the activation memory only (FLOPs are per sample).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Precision of weights, gradients, optimizer state and activations.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Device speed in FLOP/s for the latency and step-time estimates (seed 003 uses 1 GFLOP/s).</summary>
    public double DeviceFlops { get; init; } = 1e9;

    public TrainingFlopsMethod TrainingFlopsMethod { get; init; } = TrainingFlopsMethod.Exact;

    /// <summary>Data-parallel devices (1 = one device, no communication).</summary>
    public int Devices { get; init; } = 1;

    /// <summary>How model state is spread over the devices (ZeRO stages need at least 2 devices).</summary>
    public Parallelism Parallelism { get; init; } = Parallelism.DDP;

    /// <summary>Bytes per second one device sends over its link, for the communication part of the step time.</summary>
    public double LinkBandwidth { get; init; } = DefaultLinkBandwidth;

    /// <summary>10 Gbit/s Ethernet, 1.25e9 bytes/s.</summary>
    public const double DefaultLinkBandwidth = 1.25e9;

    /// <summary>The defaults: Flops, batch 1, Float32, Adam, 1e9 FLOP/s, Exact, one device, DDP, 1.25e9 bytes/s.</summary>
    public static CostOptions Default { get; } = new();

    /// <summary>Throws a <see cref="ModelCostException"/> naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (Convention is null)
            throw Bad("Convention", "null", "a convention is required (Flops by default).");
        if (BatchSize < 1)
            throw Bad("BatchSize", BatchSize.ToString(CultureInfo.InvariantCulture), "the batch size must be at least 1.");
        if (!double.IsFinite(DeviceFlops) || DeviceFlops <= 0)
            throw Bad("DeviceFlops", DeviceFlops.ToString("R", CultureInfo.InvariantCulture), "the device speed must be a positive, finite number of FLOP/s.");
        if (!Enum.IsDefined(Precision))
            throw Bad("Precision", Precision.ToString(), $"known precisions: {string.Join(", ", Enum.GetNames<Precision>())}.");
        if (!Enum.IsDefined(Optimizer))
            throw Bad("Optimizer", Optimizer.ToString(), $"known optimizers: {string.Join(", ", Enum.GetNames<OptimizerKind>())}.");
        if (!Enum.IsDefined(TrainingFlopsMethod))
            throw Bad("TrainingFlopsMethod", TrainingFlopsMethod.ToString(), $"known methods: {string.Join(", ", Enum.GetNames<TrainingFlopsMethod>())}.");
        if (!Enum.IsDefined(Parallelism))
            throw Bad("Parallelism", Parallelism.ToString(), $"known strategies: {string.Join(", ", Enum.GetNames<Parallelism>())}.");
        if (Devices < 1)
            throw new ModelCostException(ErrorIds.InvalidDeviceCount, ModelCostErrorCategory.InvalidArgument,
                $"Option 'Devices' = {Devices.ToString(CultureInfo.InvariantCulture)}: a data-parallel run needs at least 1 device.", Devices)
            { Option = "Devices" };
        if (Devices == 1 && Parallelism != Parallelism.DDP)
            throw new ModelCostException(ErrorIds.ParallelismNeedsDevices, ModelCostErrorCategory.InvalidArgument,
                $"Option 'Parallelism' = {Parallelism}: ZeRO partitions model state across devices, so it needs 2 or more devices (1 given); use DDP (the default) for one device.", Parallelism.ToString())
            { Option = "Parallelism" };
        if (!double.IsFinite(LinkBandwidth) || LinkBandwidth <= 0)
            throw new ModelCostException(ErrorIds.InvalidLinkBandwidth, ModelCostErrorCategory.InvalidArgument,
                $"Option 'LinkBandwidth' = {LinkBandwidth.ToString("R", CultureInfo.InvariantCulture)}: the link bandwidth must be a positive, finite number of bytes per second.", LinkBandwidth)
            { Option = "LinkBandwidth" };
    }

    private static ModelCostException Bad(string option, string value, string why) =>
        new(ErrorIds.InvalidCostOption, ModelCostErrorCategory.InvalidArgument, $"Option '{option}' = {value}: {why}", value) { Option = option };
}
