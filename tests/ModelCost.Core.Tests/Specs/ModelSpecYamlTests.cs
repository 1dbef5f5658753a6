using System.Diagnostics;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class ModelSpecYamlTests
{
    private const string Cnn = """
        apiVersion: modelcost/v1
        kind: ModelSpec
        metadata:
          name: CNN_FashionMNIST
          description: seed 000 CNN
        spec:
          inputShape: [28, 28, 1]
          layers:
            - type: Conv2D
              filters: 16
              kernel_size: 3
              activation: relu
            - {type: MaxPooling2D, pool_size: 2}
            - "Conv2D(32, 3, activation='relu')"
            - MaxPooling2D(2)
            - type: Flatten
            - {type: Dense, units: 64, activation: relu}
            - {type: Dense, units: 10, activation: softmax}
        """;

    private static ModelCostException Fails(string yaml) => Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(yaml, "m.yaml"));

    private static string Wrap(string layers, string input = "[28, 28, 1]") =>
        "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: m\nspec:\n  inputShape: " + input + "\n  layers:\n" + layers;

    [Fact]
    public void ParsesSeedCnnWithMappingsAndStringsToKerasCounts()
    {
        // Seed 000 CNN by hand: 3·3·1·16+16 = 160; 3·3·16·32+32 = 4,640; (5·5·32=800)·64+64 = 51,264; 64·10+10 = 650 → 56,714.
        var spec = ModelSpecYaml.Parse(Cnn);
        Assert.Equal("CNN_FashionMNIST", spec.Name);
        Assert.Equal("seed 000 CNN", spec.Description);
        Assert.Equal([28, 28, 1], spec.InputShape);
        Assert.Equal(7, spec.Layers.Count);
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 32, KernelSize = [3], Activation = "relu" }, spec.Layers[2]);
        Assert.Equal(56_714, ShapeInference.Resolve(spec).Params);
    }

    [Fact]
    public void RoundTripIsEqual()
    {
        var spec = ModelSpecYaml.Parse(Cnn);
        var again = ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec));
        Assert.Equal(spec, again);
    }

    [Fact]
    public void RoundTripKeepsOddStringsAndAllOptionKinds()
    {
        var spec = new ModelSpec
        {
            Name = "we\"ird: name #1\n\ttrue", Description = "null", InputShape = [8, 8, 3],
            Layers =
            [
                new() { Type = "ZeroPadding2D", Name = "pad", ZeroPadding = [1, 2, 3, 4] },
                new() { Type = "Conv2D", Name = "yes", Filters = 4, KernelSize = [3, 3], Strides = [1], Padding = "same", UseBias = false },
                new() { Type = "BatchNormalization", Epsilon = 1e-5, Momentum = 0.9 },
                new() { Type = "Conv2D", Name = "c2", Inputs = ["pad"], Filters = 4, KernelSize = [3], Strides = [1, 1], Padding = "same" },
                new() { Type = "Add", Inputs = ["batch_normalization", "c2"] },
                new() { Type = "Dropout", Rate = 0.25 },
                new() { Type = "GlobalAveragePooling2D" },
                new() { Type = "Dense", Units = 3, Activation = "softmax" },
            ],
        };
        ShapeInference.Resolve(spec);
        Assert.Equal(spec, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec)));
    }

    [Fact]
    public void SyntaxErrorHasLineAndColumn()
    {
        // Line 7 opens a flow sequence that is never closed.
        var ex = Fails("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: m\nspec:\n  inputShape: [28, 28\n  layers: []\n");
        Assert.Equal(ErrorIds.YamlSyntax, ex.ErrorId);
        Assert.True(ex.Line is not null, ex.Message);
        Assert.NotNull(ex.Column);
        Assert.Equal("m.yaml", ex.File);
        Assert.Contains("m.yaml:", ex.Message);
    }

    [Fact]
    public void UnknownLayerKeyIsNamedWithSuggestionAndPosition()
    {
        var ex = Fails(Wrap("    - type: Conv2D\n      filters: 3\n      kernelSize: 3\n"));
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Equal("kernelSize", ex.Option);
        Assert.Contains("kernel_size", ex.Message);
        Assert.Equal(10, ex.Line);
        Assert.Equal(7, ex.Column);
        Assert.Equal(0, ex.LayerIndex);
    }

    [Fact]
    public void UnknownEnvelopeKeyAndDuplicateKeyFail()
    {
        var ex = Fails("apiVersion: modelcost/v1\nkind: ModelSpec\nmetdata: {name: m}\n");
        Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
        Assert.Contains("metadata", ex.Message);
        Assert.Equal(3, ex.Line);
        var dup = Fails(Wrap("    - type: Dense\n      units: 3\n      units: 4\n"));
        Assert.Equal(ErrorIds.YamlSchema, dup.ErrorId);
        Assert.Contains("duplicate", dup.Message);
        Assert.Equal(10, dup.Line);
    }

    [Fact]
    public void ApiVersionAndKindAreChecked()
    {
        Assert.Equal(ErrorIds.UnknownApiVersion, Fails("apiVersion: modelcost/v9\nkind: ModelSpec\n").ErrorId);
        Assert.Equal(ErrorIds.UnknownKind, Fails("apiVersion: modelcost/v1\nkind: Pod\n").ErrorId);
    }

    [Fact]
    public void HugeDimensionIsAClearErrorNotAnOverflow()
    {
        // 2^40 = 1,099,511,627,776 does not fit an int dimension.
        var ex = Fails(Wrap("    - {type: Dense, units: 4}\n", "[1099511627776]"));
        Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
        Assert.Contains("1099511627776", ex.Message);
        Assert.Equal(6, ex.Line);
    }

    [Fact]
    public void WrongTypeNamesTheOption()
    {
        var ex = Fails(Wrap("    - {type: Dense, units: many}\n"));
        Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
        Assert.Contains("units", ex.Message);
        Assert.Contains("integer", ex.Message);
    }

    [Fact]
    public void AliasBombFailsFast()
    {
        // Nine levels of ten aliases expand to 10^9 nodes; the reader must stop after its node budget.
        var sb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++)
            sb.Append($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]\n");
        var sw = Stopwatch.StartNew();
        var ex = Fails(sb.ToString());
        Assert.Equal(ErrorIds.SpecTooLarge, ex.ErrorId);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "alias bomb must fail fast");
    }

    [Fact]
    public void NonStandardTagIsRejected()
    {
        var ex = Fails("!!python/object:os.system\napiVersion: modelcost/v1\n");
        Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
        Assert.Contains("tag", ex.Message);
        var ex2 = Fails(Wrap("    - {type: !<tag:clr:System.IO.File> Dense, units: 3}\n"));
        Assert.Equal(ErrorIds.YamlSchema, ex2.ErrorId);
    }

    [Fact]
    public void ShapeErrorIsDecoratedWithLayerLine()
    {
        // Second layer: kernel 5 > 4 under valid padding.
        var ex = Fails(Wrap("    - {type: Flatten}\n    - type: Dense\n      units: 0\n", "[4, 4]"));
        Assert.Equal(ErrorIds.InvalidLayerOption, ex.ErrorId);
        Assert.Equal(1, ex.LayerIndex);
        Assert.Equal("dense", ex.LayerName);
        Assert.Equal("units", ex.Option);
        Assert.Equal(10, ex.Line);
        Assert.Equal("m.yaml", ex.File);
    }

    [Fact]
    public void SaveWritesAtomicallyAndLoadReadsBack()
    {
        var dir = Directory.CreateTempSubdirectory("mcspec");
        try
        {
            var spec = ModelSpecYaml.Parse(Cnn);
            var path = Path.Combine(dir.FullName, "cnn.yaml");
            ModelSpecYaml.Save(spec, path, overwrite: false);
            Assert.Equal(spec, ModelSpecYaml.Load(path));
            Assert.Equal(ErrorIds.FileExists, Assert.Throws<ModelCostException>(() => ModelSpecYaml.Save(spec, path, overwrite: false)).ErrorId);
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void SerializeRefusesWhatParseWouldReject()
    {
        // Dense has no 'filters'; writing it would produce a file that cannot be read back.
        var spec = new ModelSpec { Name = "m", InputShape = [4], Layers = [new() { Type = "Dense", Units = 3, Filters = 2 }] };
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecYaml.Serialize(spec));
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Equal("filters", ex.Option);
        Assert.Equal(0, ex.LayerIndex);
        var zp = new ModelSpec { Name = "m", InputShape = [4, 4, 1], Layers = [new() { Type = "ZeroPadding2D", Padding = "same" }] };
        Assert.Equal(ErrorIds.InvalidLayerOption, Assert.Throws<ModelCostException>(() => ModelSpecYaml.Serialize(zp)).ErrorId);
    }
}
