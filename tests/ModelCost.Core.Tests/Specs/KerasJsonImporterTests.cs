using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class KerasJsonImporterTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specs", "Fixtures", name));

    private static ModelCostException Fails(string json) => Assert.Throws<ModelCostException>(() => KerasJsonImporter.Parse(json, "model.json"));

    [Fact]
    public void Keras3SequentialSeedCnnImportsToSeedCounts()
    {
        // Seed 000 CNN: 160 + 4,640 + 51,264 + 650 = 56,714 (derived in ExampleSpecsTests); Keras names are kept.
        var spec = KerasJsonImporter.Parse(Fixture("keras3_seed000_cnn.json"));
        Assert.Equal("CNN_FashionMNIST", spec.Name);
        Assert.Equal([28, 28, 1], spec.InputShape);
        var m = ShapeInference.Resolve(spec);
        Assert.Equal(56_714, m.Params);
        Assert.Equal(56_714, m.TrainableParams);
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1"], m.Layers.Select(l => l.Name));
        // Same network as the YAML example, names aside.
        var yaml = ExampleSpecsTests.Load("seed000_cnn.yaml");
        Assert.Equal(yaml.Layers.Select(l => (l.Type, l.Filters, l.Units)), spec.Layers.Select(l => (l.Type, l.Filters, l.Units)));
    }

    [Fact]
    public void Keras2FunctionalSeed002Model1ImportsToSeedCounts()
    {
        // Seed 002 Model1: 500 + 10,050 + 627,456 + 32,896 + 8,256 + 650 = 679,808 (the seed's figure).
        var spec = KerasJsonImporter.Parse(Fixture("keras2_functional_seed002_model1.json"), name: "Model1");
        Assert.Equal("Model1", spec.Name);
        var m = ShapeInference.Resolve(spec);
        Assert.Equal(679_808, m.Params);
        Assert.All(spec.Layers, l => Assert.Null(l.Inputs)); // a chain: inputs stay implicit
        Assert.Equal([14, 14, 50], m.Find("conv2d_1")!.OutputShape);
    }

    [Fact]
    public void Keras3FunctionalResidualBlockKeepsTheGraph()
    {
        // x(8,8,4) → conv a (3x3 same, 4 filters: 3·3·4·4+4 = 148) → Add(x, a) → GlobalAveragePooling2D → Dense 2 (4·2+2 = 10): 158.
        const string json = """
        {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "res", "trainable": true, "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 4], "dtype": "float32", "sparse": false, "name": "x"}, "registered_name": null, "name": "x", "inbound_nodes": []},
          {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "a", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": true},
           "registered_name": null, "build_config": {"input_shape": [null, 8, 8, 4]}, "name": "a",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 8, 8, 4], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
          {"module": "keras.layers", "class_name": "Add", "config": {"name": "add", "trainable": true}, "registered_name": null, "name": "add",
           "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 8, 8, 4], "dtype": "float32", "keras_history": ["x", 0, 0]}},
                                        {"class_name": "__keras_tensor__", "config": {"shape": [null, 8, 8, 4], "dtype": "float32", "keras_history": ["a", 0, 0]}}]], "kwargs": {}}]},
          {"module": "keras.layers", "class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "data_format": "channels_last", "keepdims": false}, "name": "gap",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 8, 8, 4], "dtype": "float32", "keras_history": ["add", 0, 0]}}], "kwargs": {}}]},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "out", "units": 2, "activation": {"module": "keras.activations", "class_name": "function", "config": "softmax", "registered_name": "function"}, "use_bias": true}, "name": "out",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["gap", 0, 0]}}], "kwargs": {}}]}
        ], "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}, "registered_name": "Functional"}
        """;
        var spec = KerasJsonImporter.Parse(json);
        Assert.Equal(["input", "a"], spec.Layers[1].Inputs!);
        Assert.Null(spec.Layers[0].Inputs);
        Assert.Equal("softmax", spec.Layers[3].Activation);
        Assert.Equal(158, ShapeInference.Resolve(spec).Params);
    }

    [Fact]
    public void UnsupportedLayersAreAllNamedInOneError()
    {
        const string json = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 100], "name": "in"}},
          {"class_name": "UpSampling1D", "config": {"name": "up", "size": 2}},
          {"class_name": "Dense", "config": {"name": "d", "units": 3}},
          {"class_name": "GroupNormalization", "config": {"name": "gn"}}]}}
        """;
        var ex = Fails(json);
        Assert.Equal(ErrorIds.KerasLayerUnsupported, ex.ErrorId);
        Assert.Contains("'up' (UpSampling1D)", ex.Message);
        Assert.Contains("'gn' (GroupNormalization)", ex.Message);
        Assert.Equal("model.json", ex.File);
    }

    [Theory]
    [InlineData("{\"class_name\": ", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}", "no layers")]
    [InlineData("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 3}}]}}", "no input shape")]
    [InlineData("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 1099511627776, \"batch_input_shape\": [null, 3]}}]}}", "supported range")]
    [InlineData("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, \"kernel_size\": [3, 3], \"dilation_rate\": [2, 2], \"batch_input_shape\": [null, 9, 9, 1]}}]}}", "dilation_rate")]
    [InlineData("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 3, \"batch_input_shape\": [null, null, 3]}}]}}", "unknown (null)")]
    public void InvalidConfigsFailClearly(string json, string reason)
    {
        var ex = Fails(json);
        Assert.Equal(ErrorIds.KerasConfigInvalid, ex.ErrorId);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void DeepNestingIsRejectedByMaxDepth()
    {
        var json = "{\"class_name\": \"Sequential\", \"config\": " + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.Equal(ErrorIds.KerasConfigInvalid, Fails(json).ErrorId);
    }

    [Fact]
    public void ShapeErrorsNameTheLayer()
    {
        const string json = """{"class_name": "Sequential", "config": {"layers": [{"class_name": "Conv2D", "config": {"name": "big", "filters": 2, "kernel_size": [5, 5], "batch_input_shape": [null, 3, 3, 1]}}]}}""";
        var ex = Fails(json);
        Assert.Equal(ErrorIds.KernelLargerThanInput, ex.ErrorId);
        Assert.Equal("big", ex.LayerName);
        Assert.Equal(0, ex.LayerIndex);
    }

    [Fact]
    public void OldKeras2ListConfigAndReluSoftmaxLayersImport()
    {
        // Keras < 2.2.3 Sequential: config is the bare layer list. Dense 4→8: 4·8+8 = 40; ReLU; Dense 8→3: 27; Softmax → 67.
        const string json = """
        {"class_name": "Sequential", "config": [
          {"class_name": "Dense", "config": {"name": "d1", "units": 8, "batch_input_shape": [null, 4]}},
          {"class_name": "ReLU", "config": {"name": "r", "max_value": null, "negative_slope": 0.0, "threshold": 0.0}},
          {"class_name": "Dense", "config": {"name": "d2", "units": 3}},
          {"class_name": "Softmax", "config": {"name": "s", "axis": -1}}], "keras_version": "2.1.6"}
        """;
        var spec = KerasJsonImporter.Parse(json);
        Assert.Equal(new LayerSpec { Type = "Activation", Name = "r", Activation = "relu" }, spec.Layers[1]);
        Assert.Equal("softmax", spec.Layers[3].Activation);
        Assert.Equal(67, ShapeInference.Resolve(spec).Params);
        var leaky = json.Replace("\"negative_slope\": 0.0", "\"negative_slope\": 0.2");
        Assert.Equal("negative_slope", Fails(leaky).Option);
    }
}
