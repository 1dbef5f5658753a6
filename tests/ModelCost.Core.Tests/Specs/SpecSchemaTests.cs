using System.Text.Json;
using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>schemas/modelspec.v1.schema.json must describe what the YAML reader accepts (examples are validated against it by tests/peer/validate_specs_schema.py).</summary>
public class SpecSchemaTests
{
    private static string SchemaPath()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "schemas", "modelspec.v1.schema.json");
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException("schemas/modelspec.v1.schema.json not found above the test output folder.");
    }

    [Fact]
    public void SchemaListsEveryTypeWithExactlyItsOptions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SchemaPath()));
        var root = doc.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        Assert.Equal(ModelSpecYaml.ApiVersion, root.GetProperty("properties").GetProperty("apiVersion").GetProperty("const").GetString());
        var defs = root.GetProperty("$defs");
        foreach (var type in LayerTypes.All)
        {
            Assert.True(defs.TryGetProperty(type, out var t), $"schema lacks {type}");
            var props = t.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
            var expected = LayerOptions.AllowedFor(type).Concat(["type", "name", "inputs"]).Order().ToArray();
            Assert.Equal(expected, props);
        }
        var acts = defs.GetProperty("activation").GetProperty("enum").EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();
        Assert.Equal(Activations.All, acts);
    }
}
