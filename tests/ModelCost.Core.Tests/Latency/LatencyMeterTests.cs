using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Latency;

/// <summary>
/// LatencyMeter through the managed engine: structure of the measurement and the estimate's arithmetic
/// (no timing assertions: only relations that hold on any machine, e.g. median ≤ p90).
/// </summary>
public class LatencyMeterTests
{
    private static LatencyMeasurement Measure(IModelSource model, int batchSize = 1, int iterations = 1000, int warmup = 100, int threads = 1,
        CostConvention? convention = null, CancellationToken cancellationToken = default) =>
        new ManagedEngine().MeasureLatency(model, new LatencyOptions
        {
            BatchSize = batchSize, Iterations = iterations, Warmup = warmup, Threads = threads, Convention = convention,
        }, cancellationToken);

    // Seed 000's MLP: Flatten(28, 28) → Dense 256 relu → Dense 128 relu → Dense 10 softmax.
    private static ModelSpec Mlp() => new()
    {
        Name = "MLP_FashionMNIST",
        InputShape = [28, 28],
        Layers =
        [
            new LayerSpec { Type = "Flatten" },
            new LayerSpec { Type = "Dense", Units = 256, Activation = "relu" },
            new LayerSpec { Type = "Dense", Units = 128, Activation = "relu" },
            new LayerSpec { Type = "Dense", Units = 10, Activation = "softmax" },
        ],
    };

    [Fact]
    public void MeasurementIsConsistentAndTheEstimateUsesTheSeedFlopCount()
    {
        var m = Measure(Mlp(), batchSize: 1, iterations: 50, warmup: 5, threads: 1);
        Assert.Equal("MLP_FashionMNIST", m.Model);
        Assert.Equal("Managed", m.Engine);
        Assert.Equal(1, m.BatchSize);
        Assert.Equal(50, m.Iterations);
        Assert.Equal("Initialised", m.Weights);
        Assert.True(m.MinSeconds > 0);
        Assert.True(m.MinSeconds <= m.MedianSeconds && m.MedianSeconds <= m.P90Seconds);
        Assert.Equal(1 / m.MedianSeconds, m.ThroughputPerSecond, 9);
        // Default convention "Flops": a multiply-add is 2 FLOPs, bias adds not counted:
        // 2·(784·256 + 256·128 + 128·10) = 2·(200,704 + 32,768 + 1,280) = 469,504 per sample.
        Assert.Equal("Flops", m.Convention);
        Assert.Equal(469_504, m.InferenceFlops);
        Assert.True(m.MeasuredDeviceFlops > 0);
        Assert.Equal(469_504 / m.MeasuredDeviceFlops, m.EstimatedLatencySeconds, 12);
        Assert.Equal(m.MedianSeconds / m.EstimatedLatencySeconds, m.MeasuredToEstimatedRatio, 9);
    }

    [Fact]
    public void BatchScalesTheFlopsAndTrainedWeightsAreAccepted()
    {
        var spec = Mlp();
        var tensors = new List<NamedTensor>();
        var model = ShapeInference.Resolve(spec);
        foreach (var slot in WeightLayout.For(model))
            tensors.Add(new NamedTensor(slot.Name, slot.Shape, new float[slot.Elements]));
        var m = Measure(new TrainedModel(spec, tensors), batchSize: 4, iterations: 10, warmup: 1, threads: 2);
        Assert.Equal("Trained", m.Weights);
        Assert.Equal(4 * 469_504L, m.InferenceFlops);
        Assert.Equal(4 / m.MedianSeconds, m.ThroughputPerSecond, 9);
    }

    [Fact]
    public void ConventionIsSelectable()
    {
        // FlopsWithBias adds one FLOP per output: seed 000's own count, 469,504 + 256 + 128 + 10 = 469,898.
        var m = Measure(Mlp(), iterations: 5, warmup: 0, convention: CostConvention.FlopsWithBias);
        Assert.Equal(469_898, m.InferenceFlops);
        Assert.Equal("FlopsWithBias", m.Convention);
    }

    [Theory]
    [InlineData(0, 10, 1, 1, "BatchSize")]
    [InlineData(1, 0, 1, 1, "Iterations")]
    [InlineData(1, 2_000_000, 1, 1, "Iterations")]
    [InlineData(1, 10, -1, 1, "Warmup")]
    [InlineData(1, 10, 1, -2, "Threads")]
    public void BadOptionsFailWithTheirName(int batch, int iterations, int warmup, int threads, string option)
    {
        var e = Assert.Throws<ModelCostException>(() => Measure(Mlp(), batch, iterations, warmup, threads));
        Assert.Equal(ErrorIds.InvalidLatencyOption, e.ErrorId);
        Assert.Equal(option, e.Option);
    }

    [Fact]
    public void HugeBatchIsRefusedBeforeAllocating()
    {
        // Per sample the MLP holds 784 (input) + 784 + 256 + 128 + 10 = 1,962 activation floats;
        // 1,000,000 samples need 1.96e9 > 2^30 floats, so it must fail fast instead of allocating 8 GB.
        var e = Assert.Throws<ModelCostException>(() => Measure(Mlp(), batchSize: 1_000_000, iterations: 1));
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, e.Category);
        Assert.Contains("1962", e.Message);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Measure(Mlp(), iterations: 10, cancellationToken: cts.Token));
    }

    [Fact]
    public void PercentileIsNearestRank()
    {
        // Sorted 1..10: the 50th percentile is the 5th value, the 90th the 9th (ranks ⌈0.5·10⌉ and ⌈0.9·10⌉).
        var v = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        Assert.Equal(5, LatencyMeter.Percentile(v, 0.5));
        Assert.Equal(9, LatencyMeter.Percentile(v, 0.9));
        Assert.Equal(1, LatencyMeter.Percentile([1.0], 0.9));
    }
}
