using ModelCost.Core.Errors;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Reads a spec file whatever its format: a Keras <c>model.to_json()</c> config (a JSON object with
/// <c>class_name</c>) or ModelSpec YAML (<c>apiVersion: modelcost/v1</c>), told apart by content.
/// </summary>
public static class ModelSpecReader
{
    /// <summary>
    /// Reads and parses a spec file: YAML, Keras JSON, or an ONNX model (a <c>.onnx</c> file, see <see cref="OnnxImporter"/>).
    /// Missing files, folders and text files over 16 MiB fail naming the file.
    /// </summary>
    public static ModelSpec Load(string path) =>
        OnnxImporter.IsOnnxPath(path) ? OnnxImporter.Load(path).Spec : Parse(SpecFile.ReadText(path), path);

    /// <summary>Parses spec text (YAML or Keras JSON); <paramref name="sourceName"/> names it in errors.</summary>
    public static ModelSpec Parse(string text, string? sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        SpecFile.CheckText(text, sourceName);
        return DetectFormat(text) switch
        {
            SpecFormat.KerasJson => KerasJsonImporter.Parse(text, sourceName),
            SpecFormat.Yaml => ModelSpecYaml.Parse(text, sourceName),
            _ when LooksLikeBareSpec(text) => throw new ModelCostException(ErrorIds.UnknownSpecFormat, ModelCostErrorCategory.InvalidData,
                $"{sourceName ?? "The text"} is missing apiVersion and kind: a ModelSpec YAML file starts with 'apiVersion: {ModelSpecYaml.ApiVersion}' and 'kind: {ModelSpecYaml.Kind}', " +
                "with the name under metadata and inputShape and layers under spec (see docs/specs.md; exporting a spec writes one).",
                sourceName) { File = sourceName },
            _ => throw new ModelCostException(ErrorIds.UnknownSpecFormat, ModelCostErrorCategory.InvalidData,
                $"{sourceName ?? "The text"} is neither a ModelSpec YAML file (apiVersion: {ModelSpecYaml.ApiVersion}, kind: {ModelSpecYaml.Kind}) nor a Keras model.to_json() config.",
                sourceName) { File = sourceName },
        };
    }

    private enum SpecFormat { Unknown, Yaml, KerasJson }

    /// <summary>YAML holding a spec's keys (layers, inputShape, metadata, spec, kind) at the top level but no apiVersion.</summary>
    private static bool LooksLikeBareSpec(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^(layers|inputShape|metadata|spec|kind|name)\s*:", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static SpecFormat DetectFormat(string text)
    {
        var t = text.AsSpan().TrimStart("\uFEFF \t\r\n");
        // Keras JSON is an object whose keys include class_name; YAML specs may be written in flow/JSON style too.
        if (t.StartsWith("{") && t.Contains("\"class_name\"", StringComparison.Ordinal) && !t.Contains("apiVersion", StringComparison.Ordinal))
            return SpecFormat.KerasJson;
        if (t.Contains("apiVersion", StringComparison.Ordinal)) return SpecFormat.Yaml;
        return SpecFormat.Unknown;
    }
}
