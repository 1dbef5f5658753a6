using System.Collections;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class LayerSpecFactoryTests
{
    /// <summary>Stands in for PowerShell's PSObject wrapper: the factory must call unwrap on keys, values and list items.</summary>
    private sealed record Boxed(object? Value);

    private static object? Unwrap(object? o) => o is Boxed b ? b.Value : o;

    [Fact]
    public void HashtableKeysArePascalOrSnakeCaseAnyCase()
    {
        var a = LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Conv2D", ["Filters"] = 16, ["KernelSize"] = 3, ["Activation"] = "relu" });
        var b = LayerSpecFactory.FromDictionary(new Hashtable { ["type"] = "conv2d", ["filters"] = 16L, ["kernel_size"] = new object[] { 3 }, ["ACTIVATION"] = "ReLU" });
        var expected = new LayerSpec { Type = "Conv2D", Filters = 16, KernelSize = [3], Activation = "relu" };
        Assert.Equal(expected, a);
        Assert.Equal([3], b.KernelSize!);
        Assert.Equal(expected, b);
    }

    [Fact]
    public void ValuesOfEveryBoxedKindAreAccepted()
    {
        var d = new Hashtable
        {
            [new Boxed("Type")] = new Boxed("SeparableConv2D"), ["Filters"] = new Boxed(8L), ["KernelSize"] = new Boxed(new object[] { new Boxed(3), 3L }),
            ["Strides"] = new int[] { 1, 1 }, ["UseBias"] = new Boxed(false), ["DepthMultiplier"] = (short)2, ["Padding"] = "SAME", ["Name"] = "sep",
        };
        var l = LayerSpecFactory.FromDictionary(d, Unwrap);
        Assert.Equal(new LayerSpec { Type = "SeparableConv2D", Name = "sep", Filters = 8, KernelSize = [3, 3], Strides = [1, 1], UseBias = false, DepthMultiplier = 2, Padding = "same" }, l);
        var bn = LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "BatchNormalization", ["Epsilon"] = 1e-5, ["Momentum"] = 0.9f });
        Assert.Equal(1e-5, bn.Epsilon);
        Assert.Equal(0.9f, bn.Momentum!.Value, 6);
        var dr = LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Dropout", ["Rate"] = 1 }); // an int rate is a number too
        Assert.Equal(1.0, dr.Rate);
        var zp = LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "ZeroPadding2D", ["Padding"] = new object[] { new long[] { 1, 2 }, new int[] { 3, 4 } } });
        Assert.Equal([1, 2, 3, 4], zp.ZeroPadding!);
    }

    [Fact]
    public void ThreeWaysGiveEqualSpecs()
    {
        // The seed 000 CNN as strings, as hashtables and as YAML.
        var fromStrings = LayerSpecFactory.Create("CNN_FashionMNIST", null,
        [
            "Conv2D(16, 3, activation='relu', input_shape=(28, 28, 1))", "MaxPooling2D(2)", "Conv2D(32, 3, activation='relu')",
            "MaxPooling2D(2)", "Flatten()", "Dense(64, activation='relu')", "Dense(10, activation='softmax')",
        ]);
        var fromTables = LayerSpecFactory.Create("CNN_FashionMNIST", [28, 28, 1],
        [
            new Hashtable { ["Type"] = "Conv2D", ["Filters"] = 16, ["KernelSize"] = 3, ["Activation"] = "relu" },
            new Hashtable { ["Type"] = "MaxPooling2D", ["PoolSize"] = 2 },
            new Hashtable { ["type"] = "Conv2D", ["filters"] = 32, ["kernel_size"] = 3, ["activation"] = "relu" },
            new Hashtable { ["Type"] = "MaxPooling2D", ["pool_size"] = 2 },
            new Hashtable { ["Type"] = "Flatten" },
            new Hashtable { ["Type"] = "Dense", ["Units"] = 64, ["Activation"] = "relu" },
            new Hashtable { ["Type"] = "Dense", ["Units"] = 10, ["Activation"] = "softmax" },
        ]);
        var fromYaml = ExampleSpecsTests.Load("seed000_cnn.yaml");
        var yamlNoDescription = new ModelSpec { Name = fromYaml.Name, InputShape = fromYaml.InputShape, Layers = fromYaml.Layers };
        Assert.Equal(fromStrings, fromTables);
        Assert.Equal(fromStrings, yamlNoDescription);
        // Mixed, with a ready LayerSpec too.
        var mixed = LayerSpecFactory.Create("CNN_FashionMNIST", [28, 28, 1],
            [fromTables.Layers[0], "MaxPooling2D(2)", new Hashtable { ["Type"] = "Conv2D", ["Filters"] = 32, ["KernelSize"] = 3, ["Activation"] = "relu" },
             "MaxPooling2D(2)", "Flatten()", "Dense(64, activation=relu)", new Boxed("Dense(10, activation=softmax)")], Unwrap);
        Assert.Equal(fromStrings, mixed);
    }

    [Fact]
    public void CreateErrorsNameTheLayerIndex()
    {
        var ex = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", [28, 28, 1], ["Flatten()", new Hashtable { ["Type"] = "Dense", ["Unitz"] = 3 }]));
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Equal(1, ex.LayerIndex);
        Assert.Equal("Unitz", ex.Option);
        Assert.Contains("Did you mean 'Units'", ex.Message);
        var ex2 = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", [28, 28, 1], ["Flatten()", "Dense(10)", "Flatten()"]));
        Assert.Equal(ErrorIds.FlattenOfFlatInput, ex2.ErrorId);
        Assert.Equal(2, ex2.LayerIndex);
        Assert.Equal("flatten_1", ex2.LayerName);
        var ex3 = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", null, ["Dense(10)"]));
        Assert.Equal(ErrorIds.InvalidInputShape, ex3.ErrorId);
        var ex4 = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", [4], ["Dense(10, input_shape=(5,))"]));
        Assert.Equal(ErrorIds.InvalidInputShape, ex4.ErrorId);
        var ex5 = Assert.Throws<ModelCostException>(() => LayerSpecFactory.Create("m", [4], ["Dense(10)", 42]));
        Assert.Equal(ErrorIds.InvalidLayerOption, ex5.ErrorId);
        Assert.Equal(1, ex5.LayerIndex);
    }

    [Fact]
    public void HashtableErrors()
    {
        ModelCostException F(IDictionary d) => Assert.Throws<ModelCostException>(() => LayerSpecFactory.FromDictionary(d));
        Assert.Equal(ErrorIds.MissingLayerOption, F(new Hashtable { ["Units"] = 3 }).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerType, F(new Hashtable { ["Type"] = "Dence" }).ErrorId);
        var wrong = F(new Hashtable { ["Type"] = "Dense", ["Units"] = "many" });
        Assert.Equal(ErrorIds.InvalidLayerOption, wrong.ErrorId);
        Assert.Equal("Units", wrong.Option);
        Assert.Equal(ErrorIds.InvalidLayerOption, F(new Hashtable { ["Type"] = "Dense", ["Units"] = 1L << 40 }).ErrorId);
        Assert.Equal(ErrorIds.InvalidLayerOption, F(new Hashtable { ["Type"] = "Dense", ["Units"] = 3, ["units"] = 4, ["UNITS"] = 5 }).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerOption, F(new Hashtable { ["Type"] = "Dense", ["Units"] = 3, ["Filters"] = 4 }).ErrorId);
        // The documented ignore-list is accepted and dropped.
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 3 }, LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Dense", ["Units"] = 3, ["KernelInitializer"] = "he_normal", ["trainable"] = true }));
    }
}
