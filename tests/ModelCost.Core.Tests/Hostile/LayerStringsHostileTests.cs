using System.Collections;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Layer strings": what people paste into New-ModelSpec -Layer. The parser is a grammar for
/// literals; it evaluates nothing, so code and shell syntax are syntax errors with a column. Hashtable
/// layers (the other PowerShell way to write a layer) get the same wrong-type checks.
/// </summary>
public class LayerStringsHostileTests
{
    private static Action Parse(string text) => () => LayerSpecParser.Parse(text);

    // ---- unbalanced parentheses ------------------------------------------------------------

    [Theory]
    // "Dense(10": the argument list is open at the end of the string, column 9 (one past the 8 characters).
    [InlineData("Dense(10", 9)]
    // "Conv2D(16, (3, 3)": the outer list is never closed; the string ends after 17 characters.
    [InlineData("Conv2D(16, (3, 3)", 18)]
    public void Unclosed_argument_list_names_the_column_where_the_string_ends(string text, int column)
    {
        var e = Fails(ErrorIds.LayerStringSyntax, Parse(text), ["unbalanced", $"column {column}"], text);
        Assert.Equal(column, e.Column);
    }

    [Fact]
    public void Unclosed_tuple_names_the_column_of_its_opening_bracket()
    {
        // "MaxPooling2D((2, 2" : the inner '(' is the 14th character.
        var e = Fails(ErrorIds.LayerStringSyntax, Parse("MaxPooling2D((2, 2"), ["never closed", "column 14"]);
        Assert.Equal(14, e.Column);
    }

    [Theory]
    // "Dense(10))": the extra ')' is the 10th character.
    [InlineData("Dense(10))", 10, "after the closing ')'")]
    // "Dense10)": no '(' after the type; 'Dense10' is read as one (unknown) identifier.
    [InlineData(")", 1, "expected a layer type")]
    [InlineData("Dense)", 6, "expected '('")]
    public void Stray_closing_parentheses_are_syntax_errors(string text, int column, string fragment)
    {
        var e = Fails(ErrorIds.LayerStringSyntax, Parse(text), [fragment, $"column {column}"], text);
        Assert.Equal(column, e.Column);
    }

    [Fact]
    public void Empty_and_blank_strings_are_syntax_errors()
    {
        Fails(ErrorIds.LayerStringSyntax, Parse(""), ["empty"], "empty");
        Fails(ErrorIds.LayerStringSyntax, Parse("   \t "), ["empty"], "blank");
    }

    // ---- unknown keywords and types --------------------------------------------------------

    [Fact]
    public void Unknown_keyword_is_named_with_a_hint()
    {
        // "Dense(10, activaton='relu')": the keyword starts at the 11th character.
        var e = Fails(ErrorIds.UnknownLayerOption, Parse("Dense(10, activaton='relu')"), ["'activaton'", "activation", "column 11"]);
        Assert.Equal("activaton", e.Option);
        Assert.Equal(11, e.Column);
    }

    [Fact]
    public void Keyword_of_another_layer_type_is_refused()
    {
        var e = Fails(ErrorIds.UnknownLayerOption, Parse("Dense(10, kernel_size=3)"), ["'kernel_size'", "Dense"]);
        Assert.Equal("kernel_size", e.Option);
    }

    [Fact]
    public void Unknown_layer_type_is_named_with_a_hint()
    {
        var e = Fails(ErrorIds.UnknownLayerType, Parse("Conv2d3(16, 3)"), ["'Conv2d3'", "Known types"]);
        Assert.Equal(1, e.Column);
    }

    [Fact]
    public void Keyword_given_twice_or_positional_after_keyword_is_refused()
    {
        Fails(ErrorIds.InvalidLayerOption, Parse("Dense(10, units=5)"), ["'units'", "more than once"], "twice");
        Fails(ErrorIds.LayerStringSyntax, Parse("Dense(units=5, 'relu')"), ["positional argument follows a keyword"], "positional after keyword");
        Fails(ErrorIds.InvalidLayerOption, Parse("Dense(10, 20)"), ["at most 1 positional"], "too many positional");
    }

    // ---- values of the wrong type ----------------------------------------------------------

    [Theory]
    [InlineData("Dense('ten')", "units", "'ten'")]
    [InlineData("Dense(10.5)", "units", "10.5")]
    [InlineData("Dense(True)", "units", "True")]
    [InlineData("Dense(10, use_bias='yes')", "use_bias", "'yes'")]
    [InlineData("Dense(10, activation=3)", "activation", "3")]
    [InlineData("Dropout('half')", "rate", "'half'")]
    [InlineData("Conv2D(16, 'three')", "kernel_size", "'three'")]
    [InlineData("Dense(10, name=(1, 2))", "name", "(1, 2)")]
    [InlineData("Dense(None)", "units", "")]
    public void Wrong_value_type_names_option_and_value(string text, string option, string value)
    {
        // Dense(None) leaves units unset: that is a missing option, found when the model is built.
        if (text == "Dense(None)")
        {
            Fails(ErrorIds.MissingLayerOption, () => LayerSpecFactory.Create("m", [4], [text]), ["'units'"], text);
            return;
        }
        var e = Fails(ErrorIds.InvalidLayerOption, Parse(text), [$"'{option}'", value], text);
        Assert.Equal(option, e.Option);
    }

    [Theory]
    // 10^26 does not fit an int (nor a long): refused as out of range, not wrapped around.
    [InlineData("Dense(100000000000000000000000000)", ErrorIds.InvalidLayerOption, "integer range")]
    // 1e309 overflows a double to infinity: not a number the parser accepts.
    [InlineData("Dropout(1e309)", ErrorIds.LayerStringSyntax, "not a number")]
    [InlineData("Dense(-)", ErrorIds.LayerStringSyntax, "not a number")]
    [InlineData("Dropout(nan)", ErrorIds.InvalidLayerOption, "'nan'")]
    // Full-width digits are not ASCII digits.
    [InlineData("Dense(\uFF11\uFF10)", ErrorIds.LayerStringSyntax, "column 7")]
    public void Absurd_numbers_are_refused(string text, string id, string fragment)
    {
        Fails(id, Parse(text), [fragment], text);
    }

    [Fact]
    public void Zero_and_negative_sizes_in_a_string_fail_when_the_model_is_built()
    {
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.Create("m", [4], ["Dense(0)"]), ["Layer 0", "'units'", "0"], "zero");
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.Create("m", [8, 8, 1], ["Conv2D(-16, 3)"]), ["'filters'", "-16"], "negative");
    }

    // ---- injection attempts: nothing is evaluated -------------------------------------------

    [Theory]
    // Python: the name is followed by '(' — a call, which a literal grammar refuses at its first character.
    [InlineData("Dense(__import__(\"os\").system(\"rm -rf /\"))", 7)]
    [InlineData("Dense(eval('1+1'))", 7)]
    [InlineData("Dense(10, activation=os.system('id'))", 22)]
    [InlineData("Dense(float('nan'))", 7)]
    public void Python_expressions_are_syntax_errors_not_evaluated(string text, int column)
    {
        var e = Fails(ErrorIds.LayerStringSyntax, Parse(text), ["expression", "nothing is evaluated", $"column {column}"], text);
        Assert.Equal(column, e.Column);
    }

    [Theory]
    // PowerShell subexpressions, variables, backticks and statement separators are not layer syntax.
    [InlineData("$(Remove-Item x)", 1)]
    [InlineData("Dense($(Remove-Item x))", 7)]
    [InlineData("Dense(${env:HOME})", 7)]
    [InlineData("`whoami`", 1)]
    [InlineData("Dense(`id`)", 7)]
    [InlineData("Dense(10); Remove-Item x", 10)]
    [InlineData("Dense(10) | Out-Null", 11)]
    [InlineData("Dense(1+1)", 8)]
    [InlineData("Dense(10, activation=lambda x: x)", 29)]
    [InlineData("os.system('rm -rf /')", 1)]
    public void Shell_and_code_syntax_is_a_syntax_error_with_its_column(string text, int column)
    {
        var e = Fails(ErrorIds.LayerStringSyntax, Parse(text), [$"column {column}"], text);
        Assert.Equal(column, e.Column);
    }

    [Fact]
    public void A_quoted_command_is_only_text()
    {
        // Inside quotes a command is a string value: it becomes the layer name, character for character.
        var layer = Succeeds(() => LayerSpecParser.Parse("Dense(10, name='x\\'); Remove-Item -Recurse /; $(rm -rf /)')"));
        Assert.Equal("x'); Remove-Item -Recurse /; $(rm -rf /)", layer.Name);
        Assert.Equal(10, layer.Units);
    }

    // ---- very long strings and deep nesting ---------------------------------------------------

    [Fact]
    public void A_very_long_string_is_refused_before_parsing()
    {
        // 1,000,000 characters against the documented limit of 4,096.
        var text = "Dense(" + new string('1', 999_993) + ")";
        var e = Fails(ErrorIds.SpecTooLarge, Parse(text), ["1000000", LayerSpecParser.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, e.Category);
        Assert.True(e.Message.Length < 400, "the message quotes a clip of the input, not all of it");
    }

    [Fact]
    public void A_long_string_within_the_limit_with_a_huge_literal_is_a_range_error()
    {
        // 4,000 nines: a number with 4,000 digits is parsed as a big integer and refused by range, not by a crash.
        var e = Fails(ErrorIds.InvalidLayerOption, Parse("Dense(" + new string('9', 4000) + ")"), ["'units'", "integer range"]);
        Assert.True(e.Message.Length < 600, "the message clips the value");
    }

    [Fact]
    public void Deep_tuple_nesting_is_refused_at_the_limit()
    {
        // MaxNesting (8) levels are accepted; the ninth '(' is refused.
        var nine = "Conv2D(1, " + new string('(', 9) + "3" + new string(')', 9) + ")";
        Fails(ErrorIds.SpecTooLarge, Parse(nine), ["nest deeper"], "9 levels");
        var thousands = "Conv2D(1, " + new string('(', 4000) + ")";
        Fails(ErrorIds.SpecTooLarge, Parse(thousands), ["nest deeper"], "4000 levels");
    }

    [Fact]
    public void Control_characters_are_syntax_errors()
    {
        Fails(ErrorIds.LayerStringSyntax, Parse("Dense(10)\0"), ["column 10"], "NUL");
        Fails(ErrorIds.LayerStringSyntax, Parse("D\u00e9nse(10)"), ["column 2", "\u00e9"], "accented letter in the type");
        Fails(ErrorIds.LayerStringSyntax, Parse("Dense(10, activati\u00f3n='relu')"), ["column 19"], "accented letter in a keyword");
    }

    // ---- hashtable layers: the same value checks ----------------------------------------------

    [Fact]
    public void Hashtable_with_wrong_value_types_names_the_key()
    {
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Dense", ["Units"] = "ten" }), ["'Units'", "'ten'"], "string units");
        // 1e20 is a double: not an integer, and beyond the int range anyway.
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Dense", ["Units"] = 1e20 }), ["'Units'"], "double units");
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = 42 }), ["Type"], "type not a string");
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.FromDictionary(new Hashtable { [1] = "Dense" }), ["key"], "key not a string");
        Fails(ErrorIds.UnknownLayerOption, () => LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Dense", ["Unitz"] = 3 }), ["'Unitz'"], "unknown key");
    }

    [Fact]
    public void Hashtable_with_a_self_containing_list_is_refused_not_recursed_forever()
    {
        var list = new ArrayList();
        list.Add(list);
        Fails(ErrorIds.InvalidLayerOption,
            () => LayerSpecFactory.FromDictionary(new Hashtable { ["Type"] = "Conv2D", ["Filters"] = 2, ["KernelSize"] = list }),
            ["nested too deeply"]);
    }

    [Fact]
    public void A_layer_that_is_neither_string_hashtable_nor_spec_is_named_by_type()
    {
        Fails(ErrorIds.InvalidLayerOption, () => LayerSpecFactory.Create("m", [4], [new object[] { "Dense", 3 }]), ["layer 0", "Object[]"]);
    }
}
