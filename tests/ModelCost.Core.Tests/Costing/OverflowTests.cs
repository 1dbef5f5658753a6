using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Costing;

public class OverflowTests
{
    [Fact]
    public void HundredBillionParameterModelCostsExactly()
    {
        // Dense(1,000,000) on a 100,000-vector: params 100,000·1,000,000 + 1,000,000 = 100,001,000,000 (> int, > 2^32).
        // MACs 10^11; Flops 2·10^11; FlopsWithBias 2·10^11 + 10^6. Adam Float32 memory 100,001,000,000·16 = 1,600,016,000,000 B
        // plus activations (100,000 + 1,000,000)·4 = 4,400,000 B.
        var spec = new ModelSpec { Name = "huge", InputShape = [100_000], Layers = [new() { Type = "Dense", Units = 1_000_000 }] };
        var c = CostCalculator.Measure(spec).Total;
        Assert.Equal(100_001_000_000, c.Params);
        Assert.Equal(100_000_000_000, c.InferenceMacs);
        Assert.Equal(200_000_000_000, c.InferenceFlops);
        Assert.Equal(1_600_016_000_000 + 4_400_000, c.TrainingMemoryBytes);
        Assert.Equal(200_001_000_000, CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.FlopsWithBias }).Total.InferenceFlops);
    }

    [Fact]
    public void FlopsBeyondLongFailClearly()
    {
        // Input (2,147,483,647 × 2,147,483,647) has 4.6·10^18 elements (fits a long); Dense(1000) on it needs 4.6·10^21 MACs.
        var spec = new ModelSpec { Name = "toobig", InputShape = [int.MaxValue, int.MaxValue], Layers = [new() { Type = "Dense", Units = 1000 }] };
        var ex = Assert.Throws<ModelCostException>(() => CostCalculator.Measure(spec));
        Assert.Equal(ErrorIds.CostOverflow, ex.ErrorId);
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, ex.Category);
        Assert.Equal(0, ex.LayerIndex);
        Assert.Contains("'dense'", ex.Message);
        Assert.Contains("64-bit", ex.Message);
    }

    [Fact]
    public void ActivationBytesBeyondLongFailClearly()
    {
        // 4.6·10^18 input elements × 4 bytes overflows a long even though the shape itself fits.
        var spec = new ModelSpec { Name = "wide", InputShape = [int.MaxValue, int.MaxValue], Layers = [new() { Type = "Dropout", Rate = 0.5 }] };
        var ex = Assert.Throws<ModelCostException>(() => CostCalculator.Measure(spec));
        Assert.Equal(ErrorIds.CostOverflow, ex.ErrorId);
        Assert.Contains("activation bytes", ex.Message);
    }

    [Fact]
    public void ShapeProductBeyondLongFailsInShapeInference()
    {
        // 2,147,483,647² · 4 ≈ 1.8·10^19 > 9.2·10^18 = long.MaxValue.
        var spec = new ModelSpec { Name = "s", InputShape = [int.MaxValue, int.MaxValue, 4], Layers = [new() { Type = "Flatten" }] };
        var ex = Assert.Throws<ModelCostException>(() => CostCalculator.Measure(spec));
        Assert.Equal(ErrorIds.ShapeOverflow, ex.ErrorId);
    }
}
