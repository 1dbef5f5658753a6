namespace ModelCost.Core.Latency;

/// <summary>
/// Measured inference latency of one model at one batch size, next to the cost model's estimate
/// (inference FLOPs ÷ this machine's measured SGEMM FLOP/s): what <c>Measure-ModelLatency</c> returns.
/// All times are per batch.
/// </summary>
public sealed class LatencyMeasurement
{
    public required string Model { get; init; }

    /// <summary>The engine that ran the forward passes (Managed, Torch, OnnxRuntime, ...).</summary>
    public required string Engine { get; init; }
    public int BatchSize { get; init; }
    public int Iterations { get; init; }
    public int Warmup { get; init; }
    public int Threads { get; init; }

    /// <summary>Whether the weights were trained ("Trained") or Keras-initialised from the spec ("Initialised").</summary>
    public required string Weights { get; init; }

    public double MedianSeconds { get; init; }
    public double P90Seconds { get; init; }
    public double MeanSeconds { get; init; }
    public double MinSeconds { get; init; }

    /// <summary>Samples per second at the median latency: BatchSize ÷ MedianSeconds.</summary>
    public double ThroughputPerSecond { get; init; }

    /// <summary>FLOP/s of a 512³ SGEMM on the same thread count, measured just before (the device speed the estimate uses).</summary>
    public double MeasuredDeviceFlops { get; init; }

    /// <summary>Forward FLOPs of one batch under <see cref="Convention"/>.</summary>
    public long InferenceFlops { get; init; }

    /// <summary>The FLOP-counting convention of the estimate (default Flops: a multiply-add is 2 FLOPs).</summary>
    public required string Convention { get; init; }

    /// <summary>InferenceFlops ÷ MeasuredDeviceFlops: the latency the cost model predicts.</summary>
    public double EstimatedLatencySeconds { get; init; }

    /// <summary>MedianSeconds ÷ EstimatedLatencySeconds: how far real latency is from the FLOP-count prediction (overheads, memory traffic).</summary>
    public double MeasuredToEstimatedRatio { get; init; }

    public override string ToString() => FormattableString.Invariant(
        $"{Model} batch {BatchSize}: median {MedianSeconds * 1e6:F1} µs, p90 {P90Seconds * 1e6:F1} µs, estimated {EstimatedLatencySeconds * 1e6:F1} µs");
}
