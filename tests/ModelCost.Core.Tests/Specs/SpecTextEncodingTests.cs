using System.Text;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>
/// Issue 15, smaller findings: Latin-1 spec text no longer decodes silently to U+FFFD, NUL characters (trailing
/// padding included) are refused, and a key given twice in Keras JSON is refused as YAML refuses it.
/// </summary>
public sealed class SpecTextEncodingTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-enc");

    public void Dispose() => _tmp.Dispose();

    private const string Yaml = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: Café\nspec:\n  inputShape: [4]\n  layers:\n    - Dense(3)\n";

    private string Put(string name, byte[] bytes)
    {
        var p = _tmp.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void A_Latin1_file_is_refused_at_the_line_and_column_of_the_first_non_UTF8_byte()
    {
        // Latin-1 writes 'é' as the single byte E9; "  name: Caf" is 11 characters, so E9 is line 4, column 12.
        var p = Put("latin1.yaml", Encoding.Latin1.GetBytes(Yaml));
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(p));
        Assert.Equal(ErrorIds.InvalidSpecEncoding, ex.ErrorId);
        Assert.Equal((4, 12), (ex.Line!.Value, ex.Column!.Value));
        Assert.Contains("byte 0xE9 is not UTF-8", ex.Message);
    }

    [Fact]
    public void UTF8_with_or_without_BOM_and_UTF16_with_BOM_read_the_same_name()
    {
        var plain = Put("utf8.yaml", Encoding.UTF8.GetBytes(Yaml));
        var bom = Put("bom.yaml", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Yaml)]);
        var utf16 = Put("utf16.yaml", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Yaml)]);
        foreach (var p in new[] { plain, bom, utf16 })
            Assert.Equal("Café", ModelSpecReader.Load(p).Name);
    }

    [Fact]
    public void Trailing_NUL_padding_is_refused_naming_its_position()
    {
        // The text has 8 lines ending in '\n'; the first NUL is line 9, column 1.
        var p = Put("padded.yaml", [.. Encoding.UTF8.GetBytes(Yaml), 0, 0, 0, 0]);
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(p));
        Assert.Equal(ErrorIds.InvalidSpecEncoding, ex.ErrorId);
        Assert.Equal((9, 1), (ex.Line!.Value, ex.Column!.Value));
        Assert.Contains("NUL padding", ex.Message);
    }

    [Fact]
    public void A_NUL_in_spec_text_given_directly_is_refused()
    {
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecReader.Parse(Yaml.Replace("Dense(3)", "Dense(3\0)"), "text"));
        Assert.Equal(ErrorIds.InvalidSpecEncoding, ex.ErrorId);
        Assert.Equal(8, ex.Line);
    }

    [Fact]
    public void A_key_given_twice_in_Keras_JSON_is_refused_naming_it_and_where()
    {
        var json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 4], \"name\": \"in\"}},"
            + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 4, \"units\": 400}}]}}";
        var ex = Assert.Throws<ModelCostException>(() => KerasJsonImporter.Parse(json, "model.json"));
        Assert.Equal(ErrorIds.KerasConfigInvalid, ex.ErrorId);
        Assert.Contains("'units' appears twice", ex.Message);
        Assert.Contains("$.config.layers[1].config", ex.Message);
    }
}
