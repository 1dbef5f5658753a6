namespace ModelCost.Core.Costing;

/// <summary>
/// What a model costs under one counting convention: one flat row that Format-Table and
/// Export-Csv handle well. Counts are per sample (batch 1) unless the property says otherwise.
/// </summary>
public sealed class CostSummary
{
    public required string Model { get; init; }
    /// <summary>Name of the counting convention (Flops, Macs, FlopsWithBias, TfProfiler, Course or a user file's name).</summary>
    public required string Convention { get; init; }
    public Precision Precision { get; init; }
    public int BatchSize { get; init; }
    public OptimizerKind Optimizer { get; init; }

    public long Params { get; init; }
    public long TrainableParams { get; init; }
    public long NonTrainableParams { get; init; }

    /// <summary>Params × bytes per parameter at <see cref="Precision"/>.</summary>
    public long SizeBytes { get; init; }
    public double SizeKB { get; init; }
    public double SizeMB { get; init; }

    public long InferenceMacs { get; init; }
    public long InferenceFlops { get; init; }
    public long TrainingFlops { get; init; }
    public TrainingFlopsMethod TrainingFlopsMethod { get; init; }

    public long WeightBytes { get; init; }
    public long GradientBytes { get; init; }
    public long OptimizerStateBytes { get; init; }
    public long ActivationBytes { get; init; }
    public long TrainingMemoryBytes { get; init; }
    public double TrainingMemoryMB { get; init; }

    /// <summary>The device speed assumed for the latency estimate, in FLOP/s.</summary>
    public double DeviceFlops { get; init; }
    /// <summary>InferenceFlops / DeviceFlops (seed 003's rule).</summary>
    public double EstimatedLatencySeconds { get; init; }

    /// <summary>Data-parallel devices the per-device figures assume (1 by default).</summary>
    public int Devices { get; init; } = 1;
    /// <summary>How model state is spread over the devices: DDP (replicated) or ZeRO stage 1, 2 or 3.</summary>
    public Parallelism Parallelism { get; init; }
    /// <summary>Weights + gradients + optimizer state one device holds under <see cref="Parallelism"/>.</summary>
    public long ModelStateBytesPerDevice { get; init; }
    /// <summary>Activations one device keeps for its own BatchSize samples (not partitioned by any strategy).</summary>
    public long ActivationBytesPerDevice { get; init; }
    /// <summary>ModelStateBytesPerDevice + ActivationBytesPerDevice.</summary>
    public long MemoryBytesPerDevice { get; init; }
    /// <summary>Bytes one device sends per training step over a ring (0 on one device).</summary>
    public long CommunicationBytesPerStep { get; init; }
    /// <summary>The link speed assumed for the communication time, in bytes/s.</summary>
    public double LinkBandwidth { get; init; }
    /// <summary>TrainingFlops × BatchSize / DeviceFlops + CommunicationBytesPerStep / LinkBandwidth (no overlap).</summary>
    public double EstimatedStepSeconds { get; init; }

    public override string ToString() => $"{Model}: {Params} params, {InferenceFlops} FLOPs ({Convention})";
}
