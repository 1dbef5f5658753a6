using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Specs": hostile ModelSpec YAML through the public loaders (ModelSpecYaml, ModelSpecReader)
/// and hostile sizes through New-ModelSpec's core (LayerSpecFactory.Create) and Measure-ModelCost's
/// (CostCalculator). Each error must name the file, line and column (YAML) or the layer and option.
/// </summary>
public class SpecsHostileTests
{
    // Line numbers below are counted on this envelope: 1 apiVersion, 2 kind, 3 metadata, 4 name,
    // 5 spec, 6 inputShape, 7 layers, 8 the first layer.
    private static string Doc(string inputShape, params string[] layers) =>
        "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: hostile\nspec:\n  inputShape: " + inputShape + "\n  layers:\n"
        + string.Concat(layers.Select(l => "    - " + l + "\n"));

    private static Action Yaml(string text) => () => ModelSpecYaml.Parse(text, "bad.yaml");

    private static void At(ModelCostException e, int line)
    {
        Assert.Equal("bad.yaml", e.File);
        Assert.Equal(line, e.Line);
        Assert.True(e.Column > 0, "a column is given");
        Assert.StartsWith($"bad.yaml:{line}:{e.Column}:", e.Message);
    }

    // ---- malformed YAML: syntax -----------------------------------------------------------

    [Fact]
    public void Syntax_mapping_value_where_none_is_allowed_names_its_line()
    {
        // Line 2 reads "kind: ModelSpec: x": a second ': ' on one plain scalar is a YAML syntax error.
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec: x\nmetadata: {name: m}\n";
        var e = Fails(ErrorIds.YamlSyntax, Yaml(text), ["YAML syntax error"]);
        At(e, 2);
    }

    [Fact]
    public void Syntax_unclosed_flow_mapping_is_a_syntax_error_with_position()
    {
        // "{name: m" on line 3 is never closed; the scanner notices at the latest at the end of the text.
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m\nspec:\n  inputShape: [4]\n";
        var e = Fails(ErrorIds.YamlSyntax, Yaml(text), ["bad.yaml:", "YAML syntax error"]);
        Assert.True(e.Line >= 3, $"the error is reported at or after the opening brace, not at line {e.Line}");
        Assert.NotNull(e.Column);
    }

    [Fact]
    public void Syntax_unclosed_quote_is_a_syntax_error_with_position()
    {
        var text = Doc("[4]", "{type: \"Dense, units: 3}");
        var e = Fails(ErrorIds.YamlSyntax, Yaml(text), ["bad.yaml:", "YAML syntax error"]);
        Assert.True(e.Line >= 8);
    }

    [Fact]
    public void Syntax_tab_indentation_is_a_syntax_error()
    {
        // The tab opens line 4; that is where the user must look (YamlDotNet itself reports the mapping's start, 1:1).
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n\tname: m\n";
        var e = Fails(ErrorIds.YamlSyntax, Yaml(text), ["YAML syntax error", "tab"]);
        At(e, 4);
        Assert.Equal(1, e.Column);
    }

    [Fact]
    public void Syntax_a_key_whose_value_is_swallowed_is_a_syntax_error()
    {
        // A found-by-fuzzing shape: the parser closes the mapping where a value is due.
        var text = "apiVersion: modelcost/v1\nbase>: x\ncost,:\n : Activ`ation.softmax: 6\n  Activatin.relu: 1\n";
        var e = Fails(ErrorIds.YamlSyntax, Yaml(text), ["bad.yaml:", "YAML syntax error"]);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void Syntax_empty_document_and_two_documents_are_refused()
    {
        Fails(ErrorIds.YamlSchema, Yaml(""), ["empty"], "empty");
        Fails(ErrorIds.YamlSchema, Yaml("# only a comment\n"), ["empty"], "comment only");
        var two = Doc("[4]", "{type: Dense, units: 3}") + "---\n" + Doc("[4]", "{type: Dense, units: 3}");
        Fails(ErrorIds.YamlSchema, Yaml(two), ["more than one YAML document"], "two documents");
    }

    // ---- malformed YAML: wrong types --------------------------------------------------------

    [Fact]
    public void Wrong_type_input_shape_as_text_names_the_key_and_line()
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("28x28", "{type: Dense, units: 3}")), ["spec.inputShape", "28x28"]);
        At(e, 6);
    }

    [Fact]
    public void Wrong_type_units_as_a_word_names_layer_option_and_value()
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "{type: Dense, units: ten}")), ["layer 0", "'units'", "'ten'"]);
        At(e, 8);
    }

    [Fact]
    public void Wrong_type_quoted_number_is_not_silently_an_integer()
    {
        // units: "10" is a string in YAML; a spec that says "integer" must not guess.
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "{type: Dense, units: \"10\"}")), ["'units'", "\"10\""]);
        At(e, 8);
    }

    [Fact]
    public void Wrong_type_boolean_option_names_the_value()
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "{type: Dense, units: 3, use_bias: maybe}")), ["'use_bias'", "'maybe'"]);
        At(e, 8);
    }

    [Fact]
    public void Wrong_type_layers_as_a_mapping_and_metadata_as_a_list()
    {
        var layersMap = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputShape: [4]\n  layers: {type: Dense}\n";
        var e = Fails(ErrorIds.YamlSchema, Yaml(layersMap), ["spec.layers", "a mapping"], "layers mapping");
        At(e, 6);
        var metaList = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: [m]\nspec:\n  inputShape: [4]\n  layers: []\n";
        e = Fails(ErrorIds.YamlSchema, Yaml(metaList), ["metadata", "a list"], "metadata list");
        At(e, 3);
    }

    [Fact]
    public void Wrong_type_a_layer_that_is_a_list()
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "[Dense, 3]")), ["layer 0", "a list"]);
        At(e, 8);
    }

    // ---- malformed YAML: unknown and duplicate keys -------------------------------------------

    [Fact]
    public void Unknown_top_level_key_is_named_with_its_line()
    {
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nextra: 1\nspec:\n  inputShape: [4]\n  layers: [\"Dense(2)\"]\n";
        var e = Fails(ErrorIds.YamlSchema, Yaml(text), ["unknown key 'extra'"]);
        At(e, 4);
    }

    [Fact]
    public void Unknown_key_in_spec_with_wrong_case_gets_a_hint()
    {
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputshape: [4]\n  layers: [\"Dense(2)\"]\n";
        var e = Fails(ErrorIds.YamlSchema, Yaml(text), ["unknown key 'inputshape'", "inputShape"]);
        At(e, 5);
    }

    [Fact]
    public void Unknown_layer_option_key_names_layer_option_and_line()
    {
        var e = Fails(ErrorIds.UnknownLayerOption, Yaml(Doc("[4]", "{type: Dense, units: 3}", "{type: Dense, unitz: 3}")), ["layer 1", "'unitz'"]);
        At(e, 9);
        Assert.Equal(1, e.LayerIndex);
        Assert.Equal("unitz", e.Option);
    }

    [Fact]
    public void Duplicate_top_level_key_names_both_lines()
    {
        var text = "apiVersion: modelcost/v1\nkind: ModelSpec\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputShape: [4]\n  layers: [\"Dense(2)\"]\n";
        var e = Fails(ErrorIds.YamlSchema, Yaml(text), ["duplicate key 'kind'", "first at line 2"]);
        At(e, 3);
    }

    [Fact]
    public void Duplicate_layer_option_key_names_the_layer()
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "{type: Dense, units: 3, units: 4}")), ["layer 0", "duplicate key 'units'"]);
        At(e, 8);
    }

    // ---- anchors and aliases: a size bomb; tags that would name .NET types --------------------

    [Fact]
    public void Billion_laughs_alias_bomb_fails_fast_as_too_large()
    {
        // Nine levels of nine aliases: 9^9 = 387,420,489 nodes if expanded. The reader must refuse
        // after a bounded amount of work, not build or walk the expansion.
        var lines = new List<string> { "apiVersion: modelcost/v1", "kind: ModelSpec", "metadata: {name: bomb}", "spec:", "  inputShape: [4]", "  layers:", "    - &l0 {type: Dense, units: 3}" };
        for (int i = 1; i <= 9; i++)
            lines.Add($"    - &l{i} [" + string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9)) + "]");
        var text = string.Join("\n", lines) + "\n";
        var e = Fails(ErrorIds.SpecTooLarge, Yaml(text), ["bad.yaml:", "aliases"]);
        Assert.NotNull(e.Line);
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, e.Category);
    }

    [Fact]
    public void Alias_to_an_anchor_not_yet_defined_or_to_itself_is_refused()
    {
        Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "*nothing")), ["'*nothing'"], "undefined");
        // A self-referencing alias would make a cyclic tree; the reader only accepts anchors defined before the alias.
        Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "&me [*me]")), ["'*me'"], "self");
    }

    [Theory]
    [InlineData("!!python/object/apply:os.system [\"rm -rf /\"]", "python")]
    [InlineData("!<tag:yaml.org,2002:System.Diagnostics.Process> {StartInfo: {FileName: sh}}", "System.Diagnostics.Process")]
    [InlineData("!Dense {units: 3}", "!Dense")]
    public void A_tag_naming_a_type_is_refused_and_nothing_is_created(string layer, string fragment)
    {
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", layer)), ["is not allowed", fragment], fragment);
        At(e, 8);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_fails_without_recursing_into_it()
    {
        // 100,000 nested flow sequences: a recursive reader would overflow the stack (a crash, not an error).
        var text = Doc("[4]", new string('[', 100_000) + new string(']', 100_000));
        Fails(ErrorIds.SpecTooLarge, Yaml(text), ["nests deeper"]);
    }

    // ---- apiVersion / kind ---------------------------------------------------------------------

    [Fact]
    public void Unknown_api_version_names_the_value_and_the_supported_one()
    {
        var text = Doc("[4]", "{type: Dense, units: 3}").Replace("modelcost/v1", "modelcost/v2", StringComparison.Ordinal);
        var e = Fails(ErrorIds.UnknownApiVersion, Yaml(text), ["'modelcost/v2'", "modelcost/v1"]);
        At(e, 1);
    }

    [Fact]
    public void Unknown_kind_names_the_value()
    {
        var text = Doc("[4]", "{type: Dense, units: 3}").Replace("kind: ModelSpec", "kind: Pipeline", StringComparison.Ordinal);
        var e = Fails(ErrorIds.UnknownKind, Yaml(text), ["'Pipeline'", "ModelSpec"]);
        At(e, 2);
    }

    [Fact]
    public void A_file_that_is_neither_yaml_spec_nor_keras_json_is_unknown_format()
    {
        Fails(ErrorIds.UnknownSpecFormat, () => ModelSpecReader.Parse("just some text", "notes.txt"), ["notes.txt"]);
    }

    // ---- unknown layer types and options ---------------------------------------------------------

    [Fact]
    public void Unknown_layer_type_is_named_with_a_hint()
    {
        var e = Fails(ErrorIds.UnknownLayerType, Yaml(Doc("[4]", "{type: Dense, units: 3}", "{type: Transformer, units: 3}")), ["layer 1", "'Transformer'", "Known types"]);
        At(e, 9);
    }

    [Fact]
    public void An_option_of_another_layer_type_is_refused()
    {
        // filters belongs to convolutions, not Dense.
        var e = Fails(ErrorIds.UnknownLayerOption, Yaml(Doc("[4]", "{type: Dense, units: 3, filters: 8}")), ["'filters'", "Dense"]);
        Assert.Equal("filters", e.Option);
    }

    // ---- zero, negative and absurd sizes ---------------------------------------------------------

    [Theory]
    [InlineData("{type: Dense, units: 0}", "units", "0")]
    [InlineData("{type: Dense, units: -5}", "units", "-5")]
    public void Zero_or_negative_units_name_layer_option_and_value(string layer, string option, string value)
    {
        var e = Fails(ErrorIds.InvalidLayerOption, Yaml(Doc("[4]", layer)), ["'dense'", $"'{option}'", value], value);
        Assert.Equal(0, e.LayerIndex);
        Assert.Equal(option, e.Option);
        At(e, 8);
    }

    [Fact]
    public void Zero_and_negative_input_dimensions_are_named()
    {
        Fails(ErrorIds.InvalidInputShape, Yaml(Doc("[28, 0]", "{type: Dense, units: 3}")), ["(28, 0)", "dimension of 0"], "zero");
        Fails(ErrorIds.InvalidInputShape, Yaml(Doc("[-1, 28]", "{type: Dense, units: 3}")), ["dimension of -1"], "negative");
    }

    [Fact]
    public void Zero_and_negative_kernel_and_stride_are_named()
    {
        Fails(ErrorIds.InvalidLayerOption, Yaml(Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 0}")), ["'kernel_size'", "0"], "kernel 0");
        Fails(ErrorIds.InvalidLayerOption, Yaml(Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 3, strides: -1}")), ["'strides'", "-1"], "stride -1");
    }

    [Fact]
    public void A_dimension_of_two_to_the_forty_is_beyond_the_integer_range()
    {
        // 2^40 = 1,099,511,627,776 does not fit a 32-bit dimension.
        var e = Fails(ErrorIds.YamlSchema, Yaml(Doc("[1099511627776]", "{type: Dense, units: 3}")), ["1099511627776", "integer range"]);
        At(e, 6);
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, e.Category);
        var units = Fails(ErrorIds.YamlSchema, Yaml(Doc("[4]", "{type: Dense, units: 1099511627776}")), ["'units'", "1099511627776"], "units");
        At(units, 8);
    }

    [Fact]
    public void A_product_of_dimensions_beyond_long_is_a_shape_overflow()
    {
        // (2^31-1)^3 ≈ 9.9e27 > 2^63-1 ≈ 9.2e18: each dimension is a valid int, their product is not a long.
        var e = Fails(ErrorIds.ShapeOverflow, Yaml(Doc("[2147483647, 2147483647, 2147483647]", "{type: Flatten}")), ["2147483647"], "yaml");
        Assert.Equal(6, e.Line);
        Fails(ErrorIds.ShapeOverflow,
            () => LayerSpecFactory.Create("huge", [int.MaxValue, int.MaxValue, int.MaxValue], ["Flatten()", "Dense(10)"]),
            ["2147483647"], "New-ModelSpec");
    }

    [Fact]
    public void A_flattened_size_beyond_int_is_a_shape_overflow_naming_the_layer()
    {
        // 65536 × 65536 × 1 = 2^32 values: a valid long, but not a valid single dimension.
        var e = Fails(ErrorIds.ShapeOverflow, Yaml(Doc("[65536, 65536, 1]", "{type: Flatten}")), ["'flatten'", "4294967296"]);
        Assert.Equal(0, e.LayerIndex);
    }

    [Fact]
    public void Absurd_but_valid_sizes_fail_in_costing_with_cost_overflow()
    {
        // Dense(2^31-1) on a (2^31-1, 2^31-1) input: params (2^31-1)^2 + (2^31-1) ≈ 4.6e18 still fit a long,
        // but the MACs (2^31-1)^3 ≈ 9.9e27 do not. Resolution succeeds; Measure must say which figure overflowed.
        var spec = Succeeds(() => LayerSpecFactory.Create("absurd", [int.MaxValue, int.MaxValue], [$"Dense({int.MaxValue})"]));
        Fails(ErrorIds.CostOverflow, () => CostCalculator.Measure(spec), ["dense"]);
    }

    [Fact]
    public void A_kernel_of_int_max_on_a_small_input_is_larger_than_the_input()
    {
        var e = Fails(ErrorIds.KernelLargerThanInput, Yaml(Doc("[8, 8, 1]", "{type: Conv2D, filters: 2, kernel_size: 2147483647}")), ["'kernel_size'", "2147483647"]);
        At(e, 8);
    }

    // ---- cycles and dangling inputs --------------------------------------------------------------

    [Fact]
    public void A_cycle_between_two_layers_is_refused_naming_the_layer_and_input()
    {
        var e = Fails(ErrorIds.DanglingLayerInput,
            Yaml(Doc("[4]", "{type: Dense, name: a, units: 3, inputs: [b]}", "{type: Dense, name: b, units: 3, inputs: [a]}")),
            ["'a'", "'b'", "cycle"]);
        Assert.Equal(0, e.LayerIndex);
        Assert.Equal("inputs", e.Option);
        At(e, 8);
    }

    [Fact]
    public void A_layer_feeding_itself_is_a_cycle()
    {
        var e = Fails(ErrorIds.DanglingLayerInput,
            Yaml(Doc("[4]", "{type: Dense, units: 3}", "{type: Dense, name: self, units: 3, inputs: [self]}")),
            ["'self'", "cycle"]);
        Assert.Equal(1, e.LayerIndex);
    }

    [Fact]
    public void A_dangling_input_is_named()
    {
        var e = Fails(ErrorIds.DanglingLayerInput,
            Yaml(Doc("[4]", "{type: Dense, units: 3}", "{type: Dense, units: 3, inputs: [ghost]}")),
            ["'ghost'", "Layer 1"]);
        At(e, 9);
    }

    // ---- mismatched merge shapes -----------------------------------------------------------------

    [Fact]
    public void Add_of_different_shapes_names_both_inputs_and_shapes()
    {
        var e = Fails(ErrorIds.MergeShapeMismatch,
            Yaml(Doc("[4]", "{type: Dense, name: ten, units: 10}", "{type: Dense, name: twenty, units: 20, inputs: [input]}", "{type: Add, inputs: [ten, twenty]}")),
            ["'ten'", "(None, 10)", "'twenty'", "(None, 20)"]);
        Assert.Equal(2, e.LayerIndex);
        At(e, 10);
    }

    [Fact]
    public void Concatenate_of_inputs_differing_off_the_axis_names_the_shapes()
    {
        // (6, 6, 2) and (4, 4, 2) differ in height and width, not only along the channel axis.
        var e = Fails(ErrorIds.MergeShapeMismatch,
            Yaml(Doc("[8, 8, 1]",
                "{type: Conv2D, name: a, filters: 2, kernel_size: 3}",
                "{type: Conv2D, name: b, filters: 2, kernel_size: 5, inputs: [input]}",
                "{type: Concatenate, inputs: [a, b]}")),
            ["(None, 6, 6, 2)", "(None, 4, 4, 2)"]);
        Assert.Equal(2, e.LayerIndex);
    }

    [Fact]
    public void A_merge_with_a_single_input_is_refused()
    {
        Fails(ErrorIds.InvalidLayerOption, Yaml(Doc("[4]", "{type: Dense, units: 3}", "{type: Add}")), ["Add", "two inputs"]);
    }

    // ---- through a file: the error names the file ------------------------------------------------

    [Fact]
    public void Loading_a_hostile_file_names_the_file_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "mc-hostile-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        try
        {
            File.WriteAllText(path, Doc("[4]", "{type: Dense, units: ten}"));
            var e = Fails(ErrorIds.YamlSchema, () => ModelSpecReader.Load(path), [path + ":8:"]);
            Assert.Equal(path, e.File);
        }
        finally { File.Delete(path); }
    }
}
