using ModelCost.Core.Costing;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Costing;

/// <summary>The per-layer rules of docs/conventions.md on small layers, each worked out on paper.</summary>
public class LayerRuleTests
{
    private static long Flops(int[] input, CostConvention c, params LayerSpec[] layers) =>
        CostCalculator.Measure(new ModelSpec { Name = "m", InputShape = input, Layers = layers }, new CostOptions { Convention = c }).Layers[^1].Flops;

    private static long Macs(int[] input, params LayerSpec[] layers) =>
        CostCalculator.Measure(new ModelSpec { Name = "m", InputShape = input, Layers = layers }).Layers[^1].Macs;

    [Fact]
    public void ConvVariantsCountMacsFromTheirShapes()
    {
        // DepthwiseConv2D 3×3, depth_multiplier 2 on (8,8,3) → (6,6,6) = 216 outputs, each 9 MACs: 1,944.
        Assert.Equal(1_944, Macs([8, 8, 3], new LayerSpec { Type = "DepthwiseConv2D", KernelSize = [3], DepthMultiplier = 2 }));
        // SeparableConv2D(4, 3×3) on (8,8,3): depthwise 6·6·3·9 = 972, pointwise 6·6·4·3 = 432 → 1,404.
        Assert.Equal(1_404, Macs([8, 8, 3], new LayerSpec { Type = "SeparableConv2D", Filters = 4, KernelSize = [3] }));
        // Conv1D(5, 3) on (10, 4) → (8, 5) = 40 outputs, each 3·4 = 12 MACs: 480.
        Assert.Equal(480, Macs([10, 4], new LayerSpec { Type = "Conv1D", Filters = 5, KernelSize = [3] }));
        // Conv2D(2, 3×3, strides 2, same) on (7,7,3) → (4,4,2) = 32 outputs · 27 = 864.
        Assert.Equal(864, Macs([7, 7, 3], new LayerSpec { Type = "Conv2D", Filters = 2, KernelSize = [3], Strides = [2], Padding = "same" }));
    }

    [Fact]
    public void TfProfilerRulesForNormalisationPoolingAndMerges()
    {
        var bn = new LayerSpec { Type = "BatchNormalization" };
        // BN on (4,4,8): 2 per element (x·inv, + shift) = 256, plus 6 per channel (add ε, rsqrt 2, ·γ, mean·inv, β−) = 48 → 304.
        Assert.Equal(304, Flops([4, 4, 8], CostConvention.TfProfiler, bn));
        Assert.Equal(0, Flops([4, 4, 8], CostConvention.Flops, bn));
        // GlobalAveragePooling2D on (4,4,8): Mean = input elements 128; GlobalMaxPooling2D (Max) 0; Course 128 for both.
        Assert.Equal(128, Flops([4, 4, 8], CostConvention.TfProfiler, new LayerSpec { Type = "GlobalAveragePooling2D" }));
        Assert.Equal(0, Flops([4, 4, 8], CostConvention.TfProfiler, new LayerSpec { Type = "GlobalMaxPooling2D" }));
        Assert.Equal(128, Flops([4, 4, 8], CostConvention.Course, new LayerSpec { Type = "GlobalMaxPooling2D" }));
        // AveragePooling2D(2) on (4,4,8) → (2,2,8) = 32 outputs × 4 window = 128 (TF AvgPool; Course window reads).
        Assert.Equal(128, Flops([4, 4, 8], CostConvention.TfProfiler, new LayerSpec { Type = "AveragePooling2D" }));
        Assert.Equal(128, Flops([4, 4, 8], CostConvention.Course, new LayerSpec { Type = "AveragePooling2D" }));
        // AveragePooling3D(2) on (4,4,4,2) → (2,2,2,2) = 16 × 8 = 128 window reads: TF 0 (no AvgPool3D statistics), Course 128.
        Assert.Equal(0, Flops([4, 4, 4, 2], CostConvention.TfProfiler, new LayerSpec { Type = "AveragePooling3D" }));
        Assert.Equal(128, Flops([4, 4, 4, 2], CostConvention.Course, new LayerSpec { Type = "AveragePooling3D" }));
        // MaxPooling1D(2) on (10, 3) → (5, 3) = 15 × 2 = 30 (runs as the 2-D MaxPool op).
        Assert.Equal(30, Flops([10, 3], CostConvention.TfProfiler, new LayerSpec { Type = "MaxPooling1D" }));
    }

    [Fact]
    public void AddCountsOneAddPerExtraInput()
    {
        // Three (2,2,3) tensors summed: 12 outputs × 2 adds = 24 under TfProfiler (AddV2), 0 under Flops.
        LayerSpec[] layers =
        [
            new() { Type = "Activation", Name = "a", Activation = "relu" },
            new() { Type = "Activation", Name = "b", Activation = "relu", Inputs = ["input"] },
            new() { Type = "Add", Inputs = ["a", "b", "input"] },
        ];
        Assert.Equal(24, Flops([2, 2, 3], CostConvention.TfProfiler, layers));
        Assert.Equal(0, Flops([2, 2, 3], CostConvention.Flops, layers));
    }

    [Fact]
    public void DenseOverSequencesIsABatchedMatMul()
    {
        // Dense(3) on (5, 4): 5 rows · 4 · 3 = 60 MACs → Flops 120; bias 15 outputs.
        // TfProfiler: BatchMatMulV2 has no statistics (0) but the bias AddV2 counts 15.
        var d = new LayerSpec { Type = "Dense", Units = 3 };
        Assert.Equal(60, Macs([5, 4], d));
        Assert.Equal(120, Flops([5, 4], CostConvention.Flops, d));
        Assert.Equal(15, Flops([5, 4], CostConvention.TfProfiler, d));
        Assert.Equal(135, Flops([5, 4], CostConvention.FlopsWithBias, d));
    }

    [Fact]
    public void CourseCostsConvLikeFullyConnected()
    {
        // Conv2D(2, 3×3, relu) on (4,4,1) → (2,2,2) = 8 outputs: 2·8·9 = 144 + bias 8 + ReLU 8 = 160.
        Assert.Equal(160, Flops([4, 4, 1], CostConvention.Course, new LayerSpec { Type = "Conv2D", Filters = 2, KernelSize = [3], Activation = "relu" }));
        // An Activation(softmax) layer on 10 values: 6·10 = 60 (Course), 5·10 = 50 (TfProfiler).
        Assert.Equal(60, Flops([10], CostConvention.Course, new LayerSpec { Type = "Activation", Activation = "softmax" }));
        Assert.Equal(50, Flops([10], CostConvention.TfProfiler, new LayerSpec { Type = "Activation", Activation = "softmax" }));
    }

    [Fact]
    public void LstmCountsAllFourGatesEveryStep()
    {
        // LSTM(2) on (3 steps, 1 feature): MACs 3·4·2·(1+2) = 72 → Flops 144; bias 3·4·2 = 24 → FlopsWithBias 168.
        // Course adds sigmoid on i, f, o (3·3·2 = 18), tanh on candidate and c (3·2·2 = 12), gate ops (3·4·2 = 24): 222.
        var l = new LayerSpec { Type = "LSTM", Units = 2, ReturnSequences = true };
        Assert.Equal(72, Macs([3, 1], l));
        Assert.Equal(144, Flops([3, 1], CostConvention.Flops, l));
        Assert.Equal(168, Flops([3, 1], CostConvention.FlopsWithBias, l));
        Assert.Equal(222, Flops([3, 1], CostConvention.Course, l));
    }
}
