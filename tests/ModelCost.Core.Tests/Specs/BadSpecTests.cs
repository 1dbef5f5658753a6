using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>The bad-spec catalogue of issues 2 and 7, through YAML so each error also carries line and column.</summary>
public class BadSpecTests
{
    // Layers start at line 8 of the document below.
    private static string Doc(string input, params string[] layers) =>
        "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: bad\nspec:\n  inputShape: " + input + "\n  layers:\n"
        + string.Concat(layers.Select(l => "    - " + l + "\n"));

    private static ModelCostException Fails(string yaml) => Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(yaml, "bad.yaml"));

    public static TheoryData<string, string, int, string, string?, int> Cases => new()
    {
        // yaml, error id, layer index, layer name, option, line
        { Doc("[4]", "{type: Dense, units: 3}", "{type: Denze, units: 3}"), ErrorIds.UnknownLayerType, 1, "", "type", 9 },
        { Doc("[4]", "{type: Dense, units: 3, unitz: 4}"), ErrorIds.UnknownLayerOption, 0, "", "unitz", 8 },
        { Doc("[4]", "{type: Dense, name: d1, units: 0}"), ErrorIds.InvalidLayerOption, 0, "d1", "units", 8 },
        { Doc("[4]", "{type: Dense, units: -3}"), ErrorIds.InvalidLayerOption, 0, "dense", "units", 8 },
        { Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 3}", "{type: Conv2D, name: c2, filters: 2, kernel_size: 7}"), ErrorIds.KernelLargerThanInput, 1, "c2", "kernel_size", 9 },
        { Doc("[4]", "{type: Flatten}"), ErrorIds.FlattenOfFlatInput, 0, "flatten", null, 8 },
        { Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 3}", "{type: Dense, units: 3}", "{type: LSTM, units: 3}"), ErrorIds.IncompatibleInputRank, 2, "lstm", null, 10 },
        { Doc("[8, 8, 1]", "{type: Conv2D, name: a, filters: 2, kernel_size: 3}", "{type: Conv2D, name: b, inputs: [input], filters: 2, kernel_size: 1}", "{type: Add, inputs: [a, b]}"), ErrorIds.MergeShapeMismatch, 2, "add", "inputs", 10 },
        { Doc("[4]", "{type: Dense, units: 3, inputs: [nowhere]}"), ErrorIds.DanglingLayerInput, 0, "dense", "inputs", 8 },
        { Doc("[4]", "{type: Dense, name: a, units: 3, inputs: [b]}", "{type: Dense, name: b, units: 3, inputs: [a]}"), ErrorIds.DanglingLayerInput, 0, "a", "inputs", 8 },
        { Doc("[4]", "{type: Dense, name: a, units: 3}", "{type: Dense, name: a, units: 3}"), ErrorIds.DuplicateLayerName, 1, "a", "name", 9 },
        { Doc("[4]", "{type: Dropout, rate: 1.5}"), ErrorIds.InvalidLayerOption, 0, "dropout", "rate", 8 },
        { Doc("[4]", "{type: Dense, units: 3, activation: relux}"), ErrorIds.InvalidLayerOption, 0, "dense", "activation", 8 },
        { Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 3, padding: full}"), ErrorIds.InvalidLayerOption, 0, "conv2d", "padding", 8 },
        { Doc("[4]", "{type: Dense}"), ErrorIds.MissingLayerOption, 0, "dense", "units", 8 },
        { Doc("[4]", "Dense(3, activaton=relu)"), ErrorIds.UnknownLayerOption, 0, "", "activaton", 8 },
        { Doc("[4]", "\"Dense(3\""), ErrorIds.LayerStringSyntax, 0, "", null, 8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadLayerNamesIndexNameOptionAndLine(string yaml, string errorId, int index, string name, string? option, int line)
    {
        var ex = Fails(yaml);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(index, ex.LayerIndex);
        if (name.Length > 0)
        {
            Assert.Equal(name, ex.LayerName);
            Assert.Contains($"'{name}'", ex.Message);
        }
        Assert.Equal(option, ex.Option);
        if (option is not null) Assert.Contains(option, ex.Message);
        Assert.Equal(line, ex.Line);
        Assert.True(ex.Column > 0);
        Assert.Equal("bad.yaml", ex.File);
        Assert.StartsWith($"bad.yaml:{line}:", ex.Message);
    }

    [Theory]
    [InlineData("[0, 4]", "{type: Dense, units: 3}", ErrorIds.InvalidInputShape, 6)]
    [InlineData("[]", "{type: Dense, units: 3}", ErrorIds.InvalidInputShape, 6)]
    [InlineData("[65536, 65536, 65536, 65536, 65536]", "{type: Flatten}", ErrorIds.ShapeOverflow, 6)] // 2^80 elements: beyond long
    [InlineData("[46341, 46341]", "{type: Flatten}", ErrorIds.ShapeOverflow, 8)] // 46341² = 2,147,488,281 > int.MaxValue: the Flatten output
    public void AbsurdSizesFailOnTheRightLine(string input, string layer, string errorId, int line)
    {
        var ex = Fails(Doc(input, layer));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(line, ex.Line); // 6 is the inputShape line, 8 the first layer
    }

    [Fact]
    public void EmptyLayerListFails()
    {
        var ex = Fails("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: []}\n");
        Assert.Equal(ErrorIds.EmptyModel, ex.ErrorId);
        Assert.Equal(4, ex.Line);
    }

    [Theory]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: {type: Dense}}\n", "must be a list")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: 4, layers: []}\n", "list of integers")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [{type: Dense, units: 3, use_bias: maybe}]}\n", "true or false")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [{type: Dense, units: \"3\"}]}\n", "integer")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [{units: 3}]}\n", "no 'type'")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [42]}\n", "LayerStringSyntax")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {}\nspec: {inputShape: [4], layers: []}\n", "missing required key 'name'")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {layers: [Dense(3)]}\n", "inputShape")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [Dense(3)]}\n---\nx: 1\n", "more than one YAML document")]
    [InlineData("", "empty")]
    [InlineData("- 1\n- 2\n", "must be a mapping")]
    [InlineData("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [*nothing]}\n", "YamlSyntax|refers to no anchor")]
    public void SchemaErrorsExplainThemselves(string yaml, string reason)
    {
        var ex = Fails(yaml);
        Assert.True(reason.Split('|').Any(r => ex.Message.Contains(r) || ex.ErrorId == r), $"{ex.ErrorId}: {ex.Message}");
        Assert.NotNull(ex.Line);
    }

    [Fact]
    public void InputShapeFromFirstLayerString()
    {
        var spec = ModelSpecYaml.Parse("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  layers: ['Dense(3, input_shape=(4,))']\n");
        Assert.Equal([4], spec.InputShape);
        Assert.Equal(15, ShapeInference.Resolve(spec).Params); // 4·3+3
    }

    [Fact]
    public void NonStandardTagsNeverCreateTypes()
    {
        foreach (var tag in new[] { "!!python/object/apply:os.system", "!System.Diagnostics.Process", "!<tag:yaml.org,2002:binary>" })
        {
            var ex = Fails($"apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {{name: {tag} m}}\n");
            Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
            Assert.Equal(3, ex.Line);
        }
    }

    [Fact]
    public void AnchorsAndAliasesWithinBudgetStillWork()
    {
        var spec = ModelSpecYaml.Parse("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputShape: [4]\n  layers:\n    - &d {type: Dense, units: 8, activation: relu}\n    - *d\n    - {type: Dense, units: 2}\n");
        Assert.Equal(spec.Layers[0], spec.Layers[1]);
        // 4·8+8 = 40; 8·8+8 = 72; 8·2+2 = 18 → 130.
        Assert.Equal(130, ShapeInference.Resolve(spec).Params);
    }

    [Fact]
    public void OverflowsInsideALayerNameTheLayer()
    {
        // DepthwiseConv2D: 65536 channels × depth_multiplier 65536 = 2^32 output channels, beyond int.
        var dw = Fails(Doc("[1, 1, 65536]", "{type: DepthwiseConv2D, kernel_size: 1, depth_multiplier: 65536}"));
        Assert.Equal(ErrorIds.ShapeOverflow, dw.ErrorId);
        Assert.Equal(0, dw.LayerIndex);
        Assert.Equal(8, dw.Line);
        // Dense on (2^31-1, 2^31-1, 1): the input has ~2^62 elements (fits a long); with 2^31-1 units the output (~2^93) does not.
        var dense = Fails(Doc("[2147483647, 2147483647, 1]", "{type: Dense, units: 2147483647}"));
        Assert.Equal(ErrorIds.ShapeOverflow, dense.ErrorId);
        Assert.Equal(0, dense.LayerIndex);
        Assert.Equal("dense", dense.LayerName);
    }
}
