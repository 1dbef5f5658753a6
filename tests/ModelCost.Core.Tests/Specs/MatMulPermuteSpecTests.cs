using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>The generic layers ONNX graphs need before the transformer layers: Permute (Keras) and MatMul (two computed inputs).</summary>
public class MatMulPermuteSpecTests
{
    private static ModelSpec Attention() => LayerSpecFactory.Create("att", [6, 8],
    [
        "Dense(8, name='q')", "Dense(8, name='k', inputs=['input'])", "Permute((2, 1), name='kt')",
        "MatMul(name='scores', inputs=['q', 'kt'])", "Activation('softmax')",
    ]);

    [Fact]
    public void PermuteAndMatMulShapesAndMacs()
    {
        var m = ShapeInference.Resolve(Attention());
        Assert.Equal([8, 6], m.Layers[2].OutputShape); // (6, 8) permuted by (2, 1)
        Assert.Equal([6, 6], m.Layers[3].OutputShape); // (6, 8)·(8, 6)
        // Scores: 6·6 outputs × 8 = 288 MACs; Flops 2 per MAC. Training: both inputs need gradients (2 × 288 backward).
        var c = CostCalculator.Measure(Attention(), new CostOptions { Convention = CostConvention.Macs });
        var scores = c.Layers.Single(l => l.Name == "scores");
        Assert.Equal(288, scores.Macs);
        Assert.Equal(0, scores.Params);
        var flops = CostCalculator.Measure(Attention()).Layers.Single(l => l.Name == "scores");
        Assert.Equal(2 * 288, flops.Flops);
        Assert.Equal(2 * 2 * 288, flops.BackwardFlops); // dQ and dK, each a product of 288 MACs, 2 FLOPs per MAC
    }

    [Fact]
    public void BatchedMatMulOverLeadingDims()
    {
        // (4, 6, 8)·(4, 8, 6) → (4, 6, 6): 4·6·6 outputs × 8 = 1,152 MACs.
        var spec = LayerSpecFactory.Create("b", [4, 6, 8],
            ["Dense(8, name='a')", "Permute((1, 3, 2), name='bt', inputs=['input'])", "MatMul(name='mm', inputs=['a', 'bt'])"]);
        var m = ShapeInference.Resolve(spec);
        Assert.Equal([4, 8, 6], m.Layers[1].OutputShape);
        Assert.Equal([4, 6, 6], m.Layers[2].OutputShape);
        Assert.Equal(1_152, CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Macs }).Layers.Single(l => l.Name == "mm").Macs);

        // (4, 6, 8)·(4, 6, 8): 8 ≠ 6, reported naming the MatMul layer.
        var ex = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("b", [4, 6, 8],
            ["Dense(8, name='a')", "MatMul(name='mm', inputs=['a', 'input'])"]));
        Assert.Equal(ErrorIds.MergeShapeMismatch, ex.ErrorId);
        Assert.Equal("mm", ex.LayerName);
    }

    [Fact]
    public void BadPermuteAndMatMulAreClearErrors()
    {
        var dims = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("p", [6, 8], ["Permute((1, 1))"]));
        Assert.Equal(ErrorIds.InvalidLayerOption, dims.ErrorId);
        Assert.Equal("dims", dims.Option);
        var missing = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("p", [6, 8], ["Permute()"]));
        Assert.Equal(ErrorIds.MissingLayerOption, missing.ErrorId);
        var one = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", [6, 8], ["MatMul()"]));
        Assert.Equal(ErrorIds.InvalidLayerOption, one.ErrorId);
        Assert.Equal("inputs", one.Option);
    }

    [Fact]
    public void YamlRoundTripKeepsDims()
    {
        var spec = Attention();
        Assert.Equal(spec, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec), "att.yaml"));
        Assert.Contains("dims: [2, 1]", ModelSpecYaml.Serialize(spec));
    }
}
