using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class ShapeInferenceTests
{
    private static LayerSpec L(string type, int? units = null, int? filters = null, int[]? kernel = null, string? padding = null) =>
        new() { Type = type, Units = units, Filters = filters, KernelSize = kernel, Padding = padding };

    [Fact]
    public void SeedMlpParamsMatchKerasByHand()
    {
        // Seed 000 MLP: Flatten(28,28) → 784; Dense 256: 784·256+256 = 200,960;
        // Dense 128: 256·128+128 = 32,896; Dense 10: 128·10+10 = 1,290. Total 235,146 (seed prints 235146).
        var m = ShapeInference.Resolve(new ModelSpec
        {
            Name = "MLP", InputShape = [28, 28],
            Layers = [L("Flatten"), L("Dense", units: 256), L("Dense", units: 128), L("Dense", units: 10)],
        });
        Assert.Equal([200_960L, 32_896L, 1_290L], m.Layers.Skip(1).Select(l => l.Params));
        Assert.Equal(235_146, m.Params);
        Assert.Equal(["flatten", "dense", "dense_1", "dense_2"], m.Layers.Select(l => l.Name));
    }

    [Fact]
    public void SeedCnnShapesAndParamsMatchKerasByHand()
    {
        // Seed 000 CNN on (28,28,1): Conv 16@3x3 valid → (26,26,16), 3·3·1·16+16 = 160;
        // pool 2 → (13,13,16); Conv 32@3x3 → (11,11,32), 3·3·16·32+32 = 4,640; pool 2 → (5,5,32) (floor);
        // Flatten 800; Dense 64: 800·64+64 = 51,264; Dense 10: 650. Total 56,714 (seed prints 56714).
        var m = ShapeInference.Resolve(new ModelSpec
        {
            Name = "CNN", InputShape = [28, 28, 1],
            Layers = [L("Conv2D", filters: 16, kernel: [3]), L("MaxPooling2D"), L("Conv2D", filters: 32, kernel: [3]), L("MaxPooling2D"),
                      L("Flatten"), L("Dense", units: 64), L("Dense", units: 10)],
        });
        Assert.Equal([26, 26, 16], m.Layers[0].OutputShape);
        Assert.Equal([5, 5, 32], m.Layers[3].OutputShape);
        Assert.Equal([160L, 0, 4_640, 0, 0, 51_264, 650], m.Layers.Select(l => l.Params));
        Assert.Equal(56_714, m.Params);
    }

    [Fact]
    public void KernelLargerThanInputNamesLayerAndOption()
    {
        var ex = Assert.Throws<ModelCostException>(() => ShapeInference.Resolve(new ModelSpec
        {
            Name = "m", InputShape = [4, 4, 1], Layers = [L("Conv2D", filters: 1, kernel: [5])],
        }));
        Assert.Equal(ErrorIds.KernelLargerThanInput, ex.ErrorId);
        Assert.Equal(0, ex.LayerIndex);
        Assert.Equal("conv2d", ex.LayerName);
        Assert.Equal("kernel_size", ex.Option);
    }

    [Fact]
    public void WeightLayoutAddsUpToKerasParamCounts()
    {
        // Seed 002 Model3 by hand: conv 3·3·1·64+64 = 640; BN 4·64 = 256; conv 3·3·64·128+128 = 73,856; BN 512;
        // SeparableConv2D(256, 2x2) on 128 ch: depthwise 2·2·128 = 512 + pointwise 128·256 = 32,768 + bias 256 = 33,536; BN 1,024;
        // Dense 7·7·256 = 12,544 → 128: 1,605,760; 128→64: 8,256; 64→32: 2,080; 32→10: 330.
        // Total 1,726,250, of which BN moving statistics 2·(64+128+256) = 896 are non-trainable → 1,725,354 trainable (the seed's figure).
        LayerSpec C(string t, int f, int k) => new() { Type = t, Filters = f, KernelSize = [k], Padding = "same", Activation = "relu" };
        LayerSpec BN() => new() { Type = "BatchNormalization" };
        LayerSpec P() => new() { Type = "MaxPooling2D", PoolSize = [2] };
        LayerSpec D(int u) => new() { Type = "Dense", Units = u };
        var m = ShapeInference.Resolve(new ModelSpec
        {
            Name = "Model3", InputShape = [28, 28, 1],
            Layers = [C("Conv2D", 64, 3), BN(), P(), C("Conv2D", 128, 3), BN(), P(), C("SeparableConv2D", 256, 2), BN(),
                      new() { Type = "Flatten" }, D(128), D(64), D(32), D(10)],
        });
        Assert.Equal(1_726_250, m.Params);
        Assert.Equal(1_725_354, m.TrainableParams);
        Assert.Equal(896, m.NonTrainableParams);
        var slots = ModelCost.Core.Engine.WeightLayout.For(m);
        Assert.Equal(m.Params, slots.Sum(s => s.Elements));
        Assert.Equal(m.TrainableParams, slots.Where(s => s.Trainable).Sum(s => s.Elements));
    }
}
