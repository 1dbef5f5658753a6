using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Specs": Keras <c>model.to_json()</c> configs from the internet through KerasJsonImporter and
/// ModelSpecReader (format told by content). Unsupported layers are all named in one error.
/// </summary>
public class KerasJsonHostileTests
{
    private static string Sequential(string inputShape, params string[] layers) =>
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": " + inputShape + ", \"name\": \"in\"}}"
        + string.Concat(layers.Select(l => ", " + l)) + "]}}";

    private static string Layer(string cls, string name, string config = "") =>
        $"{{\"class_name\": \"{cls}\", \"config\": {{\"name\": \"{name}\"{(config.Length > 0 ? ", " + config : "")}}}}}";

    /// <summary>A Keras 2 functional layer fed by <paramref name="inputs"/>.</summary>
    private static string Node(string cls, string name, string config, params string[] inputs) =>
        $"{{\"class_name\": \"{cls}\", \"name\": \"{name}\", \"config\": {{\"name\": \"{name}\"{(config.Length > 0 ? ", " + config : "")}}}, "
        + "\"inbound_nodes\": [[" + string.Join(", ", inputs.Select(i => $"[\"{i}\", 0, 0, {{}}]")) + "]]}";

    private static string Functional(string output, params string[] layers) =>
        "{\"class_name\": \"Functional\", \"config\": {\"name\": \"fun\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"batch_input_shape\": [null, 4], \"name\": \"in\"}, \"inbound_nodes\": []}, "
        + string.Join(", ", layers) + $"], \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"{output}\", 0, 0]]}}}}";

    private static Action Import(string json) => () => KerasJsonImporter.Parse(json, "model.json");

    [Fact]
    public void Every_unsupported_layer_is_named_in_one_error()
    {
        var json = Sequential("[null, 10]",
            Layer("UpSampling1D", "up", "\"size\": 2"),
            Layer("Dense", "ok", "\"units\": 4"),
            Layer("Lambda", "lam", "\"function\": \"lambda x: __import__('os').system('id')\""),
            Layer("GroupNormalization", "gn"),
            Layer("Conv2DTranspose", "up2", "\"filters\": 2, \"kernel_size\": 3"));
        var e = Fails(ErrorIds.KerasLayerUnsupported, Import(json),
            ["model.json", "4 layer(s)", "'up' (UpSampling1D)", "'lam' (Lambda)", "'gn' (GroupNormalization)", "'up2' (Conv2DTranspose)"]);
        Assert.Equal("model.json", e.File);
        Assert.DoesNotContain("'ok'", e.Message);
    }

    [Fact]
    public void The_same_through_the_format_detecting_reader()
    {
        var json = Sequential("[null, 10]", Layer("Dense", "d", "\"units\": 4"), Layer("TFOpLambda", "op"));
        Fails(ErrorIds.KerasLayerUnsupported, () => ModelSpecReader.Parse(json, "model.json"), ["'op' (TFOpLambda)"]);
    }

    [Fact]
    public void Truncated_json_names_line_and_column()
    {
        // Cut in the middle of the second line: the parser reaches the end of the text inside an object.
        var json = "{\"class_name\": \"Sequential\",\n \"config\": {\"name\": \"s\", \"layers\": [";
        var e = Fails(ErrorIds.KerasConfigInvalid, Import(json), ["model.json:", "not valid JSON"]);
        Assert.Equal(2, e.Line);
        Assert.NotNull(e.Column);
    }

    [Fact]
    public void Trailing_comma_and_single_quotes_are_not_json()
    {
        Fails(ErrorIds.KerasConfigInvalid, Import("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [],},}"), ["not valid JSON"], "trailing comma");
        Fails(ErrorIds.KerasConfigInvalid, Import("{'class_name': 'Sequential'}"), ["not valid JSON"], "single quotes");
    }

    [Fact]
    public void Deep_nesting_is_refused_by_the_depth_limit()
    {
        var json = "{\"class_name\": \"Sequential\", \"config\": " + new string('[', 100_000) + new string(']', 100_000) + "}";
        Fails(ErrorIds.KerasConfigInvalid, Import(json), ["depth"]);
    }

    [Fact]
    public void A_top_level_that_is_not_a_model_is_named()
    {
        Fails(ErrorIds.KerasConfigInvalid, Import("[1, 2, 3]"), ["JSON object"], "array");
        Fails(ErrorIds.KerasConfigInvalid, Import("{\"class_name\": \"Lambda\", \"config\": {\"layers\": []}}"), ["'Lambda'"], "class");
        Fails(ErrorIds.KerasConfigInvalid, Import("{\"class_name\": 7, \"config\": {}}"), ["class_name"], "class_name number");
    }

    [Fact]
    public void Wrong_value_types_name_the_layer_and_option()
    {
        var e = Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 4]", Layer("Dense", "d1", "\"units\": \"ten\""))), ["'d1'", "'units'"], "units string");
        Assert.Equal("d1", e.LayerName);
        Assert.Equal("units", e.Option);
        Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 4]", Layer("Dense", "d2", "\"units\": 4, \"use_bias\": \"yes\""))), ["'d2'", "'use_bias'"], "use_bias string");
        Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 4]", Layer("Dense", "d3", "\"units\": 4, \"activation\": \"gelu_tanh_approx\""))), ["'d3'", "'activation'"], "unknown activation");
    }

    [Fact]
    public void Absurd_sizes_are_refused()
    {
        // 2^40 in a shape does not fit a 32-bit dimension.
        Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 1099511627776]", Layer("Dense", "d", "\"units\": 4"))), ["1099511627776"], "2^40");
        Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 4]", Layer("Dense", "d", "\"units\": 1e400"))), ["'units'"], "1e400");
        Fails(ErrorIds.KerasConfigInvalid, Import(Sequential("[null, 0]", Layer("Dense", "d", "\"units\": 4"))), ["dimension 1 is 0"], "zero");
        Fails(ErrorIds.InvalidLayerOption, Import(Sequential("[null, 4]", Layer("Dense", "neg", "\"units\": -4"))), ["'neg'", "'units'", "-4"], "negative units");
        // (2^31-1)^3 overflows a long.
        Fails(ErrorIds.ShapeOverflow, Import(Sequential("[null, 2147483647, 2147483647, 2147483647]", Layer("Flatten", "f"))), ["2147483647"], "product beyond long");
    }

    [Fact]
    public void A_cycle_in_the_functional_graph_is_refused()
    {
        var json = Functional("b", Node("Dense", "a", "\"units\": 3", "b"), Node("Dense", "b", "\"units\": 3", "a"));
        var e = Fails(ErrorIds.DanglingLayerInput, Import(json), ["model.json", "'a'", "'b'", "cycle"]);
        Assert.Equal("a", e.LayerName);
    }

    [Fact]
    public void A_dangling_inbound_layer_is_named()
    {
        var json = Functional("a", Node("Dense", "a", "\"units\": 3", "ghost"));
        Fails(ErrorIds.DanglingLayerInput, Import(json), ["'ghost'"]);
    }

    [Fact]
    public void Mismatched_add_shapes_name_both_inputs()
    {
        var json = Functional("sum",
            Node("Dense", "ten", "\"units\": 10", "in"),
            Node("Dense", "twenty", "\"units\": 20", "in"),
            Node("Add", "sum", "", "ten", "twenty"));
        Fails(ErrorIds.MergeShapeMismatch, Import(json), ["'ten'", "(None, 10)", "'twenty'", "(None, 20)"]);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_invalid_json_not_a_crash()
    {
        var json = Sequential("[null, 4]", Layer("Dense", "\\ud800", "\"units\": 3"));
        Fails(ErrorIds.KerasConfigInvalid, Import(json), ["model.json", "cannot be read as text"]);
    }

    [Fact]
    public void A_huge_document_is_refused_before_parsing()
    {
        var json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"" + new string('x', KerasJsonImporter.MaxChars) + "\"}}";
        Fails(ErrorIds.SpecTooLarge, Import(json), ["limit"]);
    }
}
