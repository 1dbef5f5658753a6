using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Turns what users naturally have at hand into a ModelSpec: a spec object, a spec file (path string
/// or FileInfo, YAML or Keras JSON), or spec text. Called inside a cmdlet's per-item error handling
/// (not as an argument transformation) so a bad file surfaces with the core's stable error id
/// (SpecFileNotFound, YamlSyntax, ...) as a non-terminating error for that item only.
/// </summary>
internal static class ModelSpecArgument
{
    public static ModelSpec Get(PSCmdlet cmdlet, object? input)
    {
        var value = input is PSObject pso ? pso.BaseObject : input;
        return value switch
        {
            ModelSpec spec => spec,
            FileInfo file => ModelSpecReader.Load(file.FullName),
            string text when LooksLikeSpecText(text) => ModelSpecReader.Parse(text, null),
            string path when !string.IsNullOrWhiteSpace(path) => ModelSpecReader.Load(PathResolver.ResolveInputPath(cmdlet, path)),
            _ => throw new ModelCostException(ErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                $"Expected a ModelSpec (from Import-ModelSpec or New-ModelSpec), a spec file path or FileInfo, or YAML/Keras JSON text, not {Describe(value)}.", value),
        };
    }

    /// <summary>Spec text rather than a path: several lines, a JSON object, or the YAML envelope's first key.</summary>
    internal static bool LooksLikeSpecText(string text)
    {
        if (text.Contains('\n')) return true;
        var t = text.AsSpan().TrimStart("\uFEFF \t\r");
        return t.StartsWith("{") || t.StartsWith("apiVersion:", StringComparison.Ordinal);
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "an empty string",
        _ => $"a {value.GetType().FullName}",
    };
}
