using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using Xunit;
using static ModelCost.Core.Tests.Costing.SeedModels;

namespace ModelCost.Core.Tests.Costing;

public sealed class ConventionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelcost-conv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        AtomicFile.WriteText(path, yaml, overwrite: true);
        return path;
    }

    [Fact]
    public void BuiltInNamesAreTheIssuesFive()
    {
        Assert.Equal(["Macs", "Flops", "FlopsWithBias", "TfProfiler", "Course"], CostConvention.BuiltInNames);
        Assert.Same(CostConvention.Flops, CostConvention.Default);
        Assert.Equal("Flops", CostOptions.Default.Convention.Name);
    }

    [Theory]
    [InlineData("tfprofiler", "TfProfiler")]
    [InlineData("MACS", "Macs")]
    [InlineData(" course ", "Course")]
    [InlineData("flopswithbias", "FlopsWithBias")]
    public void ResolveFindsBuiltInsInAnyCase(string given, string expected) =>
        Assert.Equal(expected, CostConvention.Resolve(given).Name);

    [Fact]
    public void ResolveOfUnknownNameListsTheBuiltIns()
    {
        var ex = Assert.Throws<ModelCostException>(() => CostConvention.Resolve("fvcore"));
        Assert.Equal(ErrorIds.UnknownConvention, ex.ErrorId);
        Assert.Equal(ModelCostErrorCategory.ObjectNotFound, ex.Category);
        foreach (var n in CostConvention.BuiltInNames) Assert.Contains(n, ex.Message);
        Assert.Contains("'fvcore'", ex.Message);
        Assert.Equal(ErrorIds.UnknownConvention, Assert.Throws<ModelCostException>(() => CostConvention.Resolve(_dir)).ErrorId);
        Assert.Equal(ErrorIds.UnknownConvention, Assert.Throws<ModelCostException>(() => CostConvention.Resolve("  ")).ErrorId);
    }

    [Fact]
    public void MacsConventionEqualsTheMacCount()
    {
        // Seed 004 baseline MACs by hand: 627,200 + 10,035,200 + 3,211,264 + 10,240 = 13,883,904.
        var c = CostCalculator.Measure(Seed004Baseline(), new CostOptions { Convention = CostConvention.Macs }).Total;
        Assert.Equal(13_883_904, c.InferenceFlops);
        Assert.Equal(13_883_904, c.InferenceMacs);
    }

    [Fact]
    public void UserFileReproducesSeed000sEstimator()
    {
        // A user convention weighing matmul MACs 2 and biases 1 is seed 000's rule: MLP 469,898 (seed prints 469898).
        var path = Write("seed000.yaml", """
            # seed 000's estimator
            name: Seed000
            description: Dense 2*in*out + out
            costs:
              MatMulMac: 2
              biasadd: 1
            """);
        var conv = CostConvention.Resolve(path);
        Assert.Equal("Seed000", conv.Name);
        Assert.Equal(Path.GetFullPath(path), conv.SourcePath);
        Assert.False(conv.IsBuiltIn);
        Assert.Equal(2, conv.WeightOf("MatMulMac"));
        Assert.Equal(1, conv.WeightOf(CostOps.BiasAdd));
        var c = CostCalculator.Measure(Mlp(), new CostOptions { Convention = conv }).Total;
        Assert.Equal(469_898, c.InferenceFlops);
        Assert.Equal("Seed000", c.Convention);
    }

    [Fact]
    public void BaseConventionIsOverriddenKindByKind()
    {
        // base TfProfiler (MLP 469,948 = 469,504 + 394 bias + 50 softmax) with softmax at 6 and ReLU at 1:
        // 469,504 + 394 + 60 + (256 + 128) = 470,342.
        var path = Write("tweak.yaml", "name: TfPlus\nbase: tfprofiler\ncosts:\n  Activation.softmax: 6\n  Activation.relu: 1\n");
        var c = CostCalculator.Measure(Mlp(), new CostOptions { Convention = CostConvention.Load(path) }).Total;
        Assert.Equal(470_342, c.InferenceFlops);
    }

    [Theory]
    [InlineData("name: X\ncosts:\n  MatMulMac: 2\n  Convolution: 2\n", 4, 3, "unknown operation kind 'Convolution'")]
    [InlineData("name: X\ncosts:\n  MatMulMac: -2\n", 3, 14, "whole number")]
    [InlineData("name: X\ncosts:\n  MatMulMac: 1.5\n", 3, 14, "whole number")]
    [InlineData("costs:\n  MatMulMac: 2\n", 1, 1, "needs a 'name'")]
    [InlineData("name: X\n", 1, 1, "needs 'costs'")]
    [InlineData("name: X\ncosts: [1, 2]\n", 2, 8, "'costs' must be a mapping")]
    [InlineData("name: X\nrules:\n  MatMulMac: 2\n", 2, 1, "unknown key 'rules'")]
    [InlineData("name: X\ncosts:\n  MatMulMac: 2\n  matmulmac: 3\n", 4, 3, "given twice")]
    [InlineData("name: X\nbase: thop\ncosts: {}\n", 2, 7, "not a built-in")]
    [InlineData("name: X\ncosts:\n  MatMulMac: [2\n", 4, 1, "not valid YAML")]
    public void BadFilesNameLineAndColumn(string yaml, int line, int column, string fragment)
    {
        var path = Write("bad.yaml", yaml);
        var ex = Assert.Throws<ModelCostException>(() => CostConvention.Load(path));
        Assert.Equal(ErrorIds.InvalidConvention, ex.ErrorId);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Equal(Path.GetFullPath(path), ex.File);
        Assert.Contains(fragment, ex.Message);
        Assert.Contains($"bad.yaml:{line}:{column}", ex.Message);
    }

    [Fact]
    public void MissingFileIsUnknownConvention()
    {
        var ex = Assert.Throws<ModelCostException>(() => CostConvention.Load(Path.Combine(_dir, "nope.yaml")));
        Assert.Equal(ErrorIds.UnknownConvention, ex.ErrorId);
        Assert.Contains("nope.yaml", ex.Message);
    }

    [Fact]
    public void OversizedFileIsRefusedBeforeParsing()
    {
        var path = Write("big.yaml", "name: X\n#" + new string('x', 1 << 20) + "\ncosts: {}\n");
        var ex = Assert.Throws<ModelCostException>(() => CostConvention.Load(path));
        Assert.Equal(ErrorIds.InvalidConvention, ex.ErrorId);
        Assert.Contains("at most", ex.Message);
    }

    [Fact]
    public void CreateValidatesKindsAndWeights()
    {
        var c = CostConvention.Create("Mine", new Dictionary<string, long> { ["convmac"] = 3 }, CostConvention.Flops);
        Assert.Equal(3, c.WeightOf(CostOps.ConvMac));
        Assert.Equal(2, c.WeightOf(CostOps.MatMulMac));
        Assert.Equal(ErrorIds.InvalidConvention, Assert.Throws<ModelCostException>(() =>
            CostConvention.Create("Mine", new Dictionary<string, long> { ["Conv"] = 1 })).ErrorId);
        Assert.Equal(ErrorIds.InvalidConvention, Assert.Throws<ModelCostException>(() =>
            CostConvention.Create("Mine", new Dictionary<string, long> { ["ConvMac"] = -1 })).ErrorId);
    }

    [Fact]
    public void EveryKindIsKnownAndActivationsHaveKinds()
    {
        Assert.Equal(CostOps.All.Count, CostOps.All.Distinct().Count());
        foreach (var a in ModelCost.Core.Specs.Activations.All.Where(a => a != "linear"))
        {
            Assert.Contains(CostOps.Activation(a), CostOps.All);
            Assert.Contains(CostOps.RecurrentActivation(a), CostOps.All);
        }
    }
}
