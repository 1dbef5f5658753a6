using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Costing.SeedModels;

namespace ModelCost.Core.Tests.Costing;

public class TrainingAndMemoryTests
{
    [Fact]
    public void ExactTrainingFlopsOfTheMlp()
    {
        // Flops convention, per sample. Forward 2·(200,704 + 32,768 + 1,280) MACs = 469,504.
        // Backward, 2 per MAC: dense 784→256 needs the weight gradient only (nothing before it trains — Flatten has
        // no weights), 2·200,704 = 401,408; dense_1: weight + input gradient 2·2·32,768 = 131,072; dense_2: 2·2·1,280 = 5,120.
        // Backward 537,600; training 469,504 + 537,600 = 1,007,104.
        var r = CostCalculator.Measure(Mlp());
        Assert.Equal([0L, 401_408, 131_072, 5_120], r.Layers.Select(l => l.BackwardFlops));
        Assert.Equal(1_007_104, r.Total.TrainingFlops);
        Assert.Equal(TrainingFlopsMethod.Exact, r.Total.TrainingFlopsMethod);
    }

    [Fact]
    public void ExactTrainingFlopsOfTheCnn()
    {
        // MACs: conv 10,816·9 = 97,344; conv_1 3,872·144 = 557,568; dense 800·64 = 51,200; dense_1 640. Forward 2·706,752 = 1,413,504.
        // Backward: conv (first layer, no input gradient) 2·97,344 = 194,688; conv_1 2·2·557,568 = 2,230,272;
        // dense 2·2·51,200 = 204,800; dense_1 2·2·640 = 2,560; pooling passes gradients without multiplies (0 under Flops).
        // Backward 2,632,320; training 4,045,824. ThreeTimesForward: 3·1,413,504 = 4,240,512.
        var r = CostCalculator.Measure(Cnn());
        Assert.Equal([194_688L, 0, 2_230_272, 0, 0, 204_800, 2_560], r.Layers.Select(l => l.BackwardFlops));
        Assert.Equal(4_045_824, r.Total.TrainingFlops);
        var three = CostCalculator.Measure(Cnn(), new CostOptions { TrainingFlopsMethod = TrainingFlopsMethod.ThreeTimesForward }).Total;
        Assert.Equal(4_240_512, three.TrainingFlops);
    }

    [Fact]
    public void RecurrentBackwardAlwaysIncludesTheGradientThroughTheState()
    {
        // SimpleRNN(3) on (5, 4) is the first layer: per step weight gradients 3·(4+3) = 21 MACs, state gradient 3·3 = 9,
        // no input gradient (3·4). Backward 5·(21 + 9) = 150 MACs → 300 under Flops.
        var r = CostCalculator.Measure(Seed003Q6());
        Assert.Equal(300, r.Layers[0].BackwardFlops);
    }

    [Fact]
    public void GruCountsEveryGateAndBothBiasVectors()
    {
        // GRU(2) on (3 steps, 4 features), Keras default reset_after = true (two bias vectors per gate).
        // MACs 3 steps · 3 gates · 2·(4+2) = 108 → Flops 216. Bias adds 3·3·2·2 = 36 → FlopsWithBias 252.
        // Course adds sigmoid on z, r (3·2·2 = 12), tanh on the candidate (3·2 = 6), gate arithmetic 5 per unit (3·5·2 = 30): 300.
        var spec = new ModelSpec { Name = "gru", InputShape = [3, 4], Layers = [new() { Type = "GRU", Units = 2 }] };
        Assert.Equal(108, CostCalculator.Measure(spec).Total.InferenceMacs);
        Assert.Equal(216, CostCalculator.Measure(spec).Total.InferenceFlops);
        Assert.Equal(252, CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.FlopsWithBias }).Total.InferenceFlops);
        Assert.Equal(300, CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Course }).Total.InferenceFlops);
        // TF's profiler never walks the while-loop body that runs the cell.
        Assert.Equal(0, CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.TfProfiler }).Total.InferenceFlops);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 2)]
    [InlineData(OptimizerKind.AdamW, 2)]
    [InlineData(OptimizerKind.Momentum, 1)]
    [InlineData(OptimizerKind.RMSprop, 1)]
    [InlineData(OptimizerKind.Adagrad, 1)]
    [InlineData(OptimizerKind.SGD, 0)]
    public void OptimizerStateSlots(OptimizerKind optimizer, int slots)
    {
        // 235,146 trainable params × slots × 4 bytes. SGD: weights + gradients only = params·4·2 (seed 000's non-Adam factor 2).
        var c = CostCalculator.Measure(Mlp(), new CostOptions { Optimizer = optimizer }).Total;
        Assert.Equal(235_146L * slots * 4, c.OptimizerStateBytes);
        Assert.Equal(optimizer, c.Optimizer);
        if (optimizer == OptimizerKind.SGD) Assert.Equal(235_146L * 4 * 2, c.WeightBytes + c.GradientBytes + c.OptimizerStateBytes);
    }

    [Theory]
    [InlineData(Precision.Float32, 4)]
    [InlineData(Precision.Float16, 2)]
    [InlineData(Precision.BFloat16, 2)]
    [InlineData(Precision.Int8, 1)]
    public void SizeFollowsThePrecision(Precision precision, int bytes)
    {
        var c = CostCalculator.Measure(Mlp(), new CostOptions { Precision = precision }).Total;
        Assert.Equal(235_146L * bytes, c.SizeBytes);
        Assert.Equal(235_146.0 * bytes / 1024, c.SizeKB);
        Assert.Equal(235_146.0 * bytes / (1024 * 1024), c.SizeMB);
        Assert.Equal(precision, c.Precision);
    }

    [Fact]
    public void ActivationBytesCountEveryTensorTimesBatch()
    {
        // Kept for backward: the input (784) and every layer output: flatten 784, 256, 128, 10 → 1,962 values per sample.
        // Batch 64, Float32: 1,962·64·4 = 502,272 B. Per layer: flatten 784·256 = 200,704; dense 256·256 = 65,536; ...
        // Training memory 3,762,336 (weights, gradients, Adam) + 502,272 = 4,264,608 B = 4.0670 MB.
        var r = CostCalculator.Measure(Mlp(), new CostOptions { BatchSize = 64 });
        Assert.Equal(502_272, r.Total.ActivationBytes);
        Assert.Equal([200_704L, 65_536, 32_768, 2_560], r.Layers.Select(l => l.ActivationBytes));
        Assert.Equal(4_264_608, r.Total.TrainingMemoryBytes);
        Assert.Equal(4_264_608 / 1048576.0, r.Total.TrainingMemoryMB);
        Assert.Equal(64, r.Total.BatchSize);
        // FLOPs stay per sample.
        Assert.Equal(469_504, r.Total.InferenceFlops);
    }

    [Fact]
    public void NonTrainableParamsHaveNoGradientOrOptimizerState()
    {
        // Seed 004 DeeperClassifier: 1,940,938 params, 1,939,146 trainable (BN moving statistics are not trained).
        // Weights 1,940,938·4 = 7,763,752; gradients 1,939,146·4 = 7,756,584; Adam 1,939,146·8 = 15,513,168.
        var c = CostCalculator.Measure(Seed004Deeper()).Total;
        Assert.Equal(7_763_752, c.WeightBytes);
        Assert.Equal(7_756_584, c.GradientBytes);
        Assert.Equal(15_513_168, c.OptimizerStateBytes);
    }

    [Fact]
    public void LatencyIsInferenceFlopsOverDeviceFlops()
    {
        // 469,504 FLOPs / 2e12 FLOP/s = 2.34752e-7 s.
        var c = CostCalculator.Measure(Mlp(), new CostOptions { DeviceFlops = 2e12 }).Total;
        Assert.Equal(2e12, c.DeviceFlops);
        Assert.Equal(2.34752e-7, c.EstimatedLatencySeconds, 15);
    }

    [Theory]
    [InlineData(0, 1e9, "BatchSize")]
    [InlineData(-3, 1e9, "BatchSize")]
    [InlineData(1, 0.0, "DeviceFlops")]
    [InlineData(1, double.NaN, "DeviceFlops")]
    [InlineData(1, double.PositiveInfinity, "DeviceFlops")]
    public void BadOptionsAreRejectedByName(int batch, double device, string option)
    {
        var ex = Assert.Throws<ModelCostException>(() => CostCalculator.Measure(Mlp(), new CostOptions { BatchSize = batch, DeviceFlops = device }));
        Assert.Equal(ErrorIds.InvalidCostOption, ex.ErrorId);
        Assert.Equal(option, ex.Option);
        Assert.Contains(option, ex.Message);
    }

    [Fact]
    public void UndefinedEnumValueIsRejected()
    {
        var ex = Assert.Throws<ModelCostException>(() => CostCalculator.Measure(Mlp(), new CostOptions { Optimizer = (OptimizerKind)42 }));
        Assert.Equal("Optimizer", ex.Option);
    }

    [Fact]
    public void ResolvedOverloadGivesTheSameReport()
    {
        var a = CostCalculator.Measure(Cnn()).Total;
        var b = CostCalculator.Measure(ShapeInference.Resolve(Cnn())).Total;
        Assert.Equal((a.InferenceFlops, a.TrainingFlops, a.TrainingMemoryBytes), (b.InferenceFlops, b.TrainingFlops, b.TrainingMemoryBytes));
    }
}
