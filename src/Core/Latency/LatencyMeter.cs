using System.Diagnostics;
using System.Globalization;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Latency;

/// <summary>
/// Times inference of a model on this machine through the engine's <see cref="InferenceSession"/>
/// (buffers allocated once, so timed runs allocate nothing) and sets the measurement beside the
/// cost model's estimate at the machine's measured FLOP/s.
/// </summary>
public static class LatencyMeter
{
    /// <summary>Iterations above this are refused: the per-iteration times are kept for the percentiles.</summary>
    public const int MaxIterations = 1_000_000;

    /// <summary>Activation floats (batch × every layer's output) above this are refused before allocating.</summary>
    public const long MaxActivationFloats = 1L << 30;

    /// <summary>Latency of a spec with Keras-initialised weights (seed 0): weights do not change dense-kernel timing.</summary>
    public static LatencyMeasurement Measure(ModelSpec spec, int batchSize = 1, int iterations = 1000, int warmup = 100,
        int threads = 1, CancellationToken cancellationToken = default, CostConvention? convention = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var model = Validate(spec, batchSize, iterations, warmup, threads);
        threads = threads == 0 ? Environment.ProcessorCount : threads;
        using var session = InferenceSession.Create(spec, batchSize, threads);
        return Run(model, session, "Initialised", batchSize, iterations, warmup, threads, convention, cancellationToken);
    }

    /// <summary>Latency of trained weights (e.g. <c>TrainingResult.GetTrainedModel()</c> or an imported file).</summary>
    public static LatencyMeasurement Measure(TrainedModel trained, int batchSize = 1, int iterations = 1000, int warmup = 100,
        int threads = 1, CancellationToken cancellationToken = default, CostConvention? convention = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var model = Validate(trained.Spec, batchSize, iterations, warmup, threads);
        threads = threads == 0 ? Environment.ProcessorCount : threads;
        using var session = InferenceSession.Create(trained, batchSize, threads);
        return Run(model, session, "Trained", batchSize, iterations, warmup, threads, convention, cancellationToken);
    }

    /// <summary>
    /// FLOP/s of C = A·B at 512³ on <paramref name="threads"/> threads, best of five runs after one warm-up.
    /// The threads are the engine's own (a WorkerPool), not the thread pool: this runs on the cmdlet's
    /// worker thread, which cannot run Parallel.For's queued parts itself, so with every pool thread
    /// busy (PowerShell, ForEach-Object -Parallel) a TPL version waited as long as the pool stayed busy.
    /// </summary>
    public static double MeasureDeviceFlops(int threads = 1)
    {
        threads = threads <= 0 ? Environment.ProcessorCount : threads;
        const int N = 512;
        var a = new float[N * N];
        var b = new float[N * N];
        var c = new float[N * N];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (i % 13 - 6) * 0.1f;
            b[i] = (i % 7 - 3) * 0.1f;
        }
        using var pool = new WorkerPool(threads);
        void Multiply() => Gemm.SgemmFusedParallel(pool, false, false, N, N, N, 1f, a, 0, N, b, 0, N, 0f, c, 0, N, null, 0, GemmActivation.None);
        Multiply();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Multiply();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return 2.0 * N * N * N / best;
    }

    private static LatencyMeasurement Run(ResolvedModel model, InferenceSession session, string weights, int batchSize, int iterations,
        int warmup, int threads, CostConvention? convention, CancellationToken ct)
    {
        var input = new float[batchSize * session.InputSize];
        var output = new float[batchSize * session.OutputSize];
        // Deterministic inputs in [0, 1), like scaled pixels.
        for (int i = 0; i < input.Length; i++) input[i] = (float)((i * 2654435761u % 1000u) / 1000.0);

        for (int i = 0; i < warmup; i++)
        {
            ct.ThrowIfCancellationRequested();
            session.Run(input, output);
        }
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            long t0 = Stopwatch.GetTimestamp();
            session.Run(input, output);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        double mean = times.Average();
        Array.Sort(times);
        double median = Percentile(times, 0.5), p90 = Percentile(times, 0.9);

        double deviceFlops = MeasureDeviceFlops(threads);
        long flopsPerSample = CostCalculator.Measure(model, new CostOptions { Convention = convention ?? CostConvention.Default, BatchSize = batchSize, DeviceFlops = deviceFlops }).Total.InferenceFlops;
        long flops = checked(flopsPerSample * batchSize);
        double estimate = flops / deviceFlops;
        return new LatencyMeasurement
        {
            Model = model.Name, Convention = (convention ?? CostConvention.Default).Name, BatchSize = batchSize, Iterations = iterations, Warmup = warmup, Threads = threads, Weights = weights,
            MedianSeconds = median, P90Seconds = p90, MeanSeconds = mean, MinSeconds = times[0],
            ThroughputPerSecond = batchSize / median,
            MeasuredDeviceFlops = deviceFlops, InferenceFlops = flops, EstimatedLatencySeconds = estimate,
            MeasuredToEstimatedRatio = estimate > 0 ? median / estimate : double.NaN,
        };
    }

    /// <summary>Nearest-rank percentile of sorted values (the value at rank ⌈q·n⌉).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        int rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static ResolvedModel Validate(ModelSpec spec, int batchSize, int iterations, int warmup, int threads)
    {
        if (batchSize < 1) throw Option("BatchSize", batchSize, $"BatchSize {Inv(batchSize)} must be at least 1.");
        if (iterations < 1 || iterations > MaxIterations)
            throw Option("Iterations", iterations, $"Iterations {Inv(iterations)} must be between 1 and {Inv(MaxIterations)}.");
        if (warmup < 0 || warmup > MaxIterations)
            throw Option("Warmup", warmup, $"Warmup {Inv(warmup)} must be between 0 and {Inv(MaxIterations)}.");
        if (threads < 0 || threads > 1024)
            throw Option("ThrottleLimit", threads, $"The thread count {Inv(threads)} must be 0 (all cores) or between 1 and 1024.");
        var model = ShapeInference.Resolve(spec);
        long perSample = ShapeInference.Elements(model.InputShape);
        foreach (var l in model.Layers) perSample = checked(perSample + l.OutputElements);
        if (perSample > MaxActivationFloats / batchSize)
            throw new ModelCostException(ErrorIds.InvalidLatencyOption, ModelCostErrorCategory.LimitsExceeded,
                $"Model '{model.Name}' at BatchSize {Inv(batchSize)} needs {Inv(perSample)} activation floats per sample, {Inv((double)perSample * batchSize)} in all; the limit is {Inv(MaxActivationFloats)}. Use a smaller BatchSize.",
                batchSize) { Option = "BatchSize" };
        return model;
    }

    private static ModelCostException Option(string option, int value, string message) =>
        new(ErrorIds.InvalidLatencyOption, ModelCostErrorCategory.InvalidArgument, message, value) { Option = option };

    private static string Inv(IFormattable v) => v.ToString(null, CultureInfo.InvariantCulture);

    private static string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);
}
