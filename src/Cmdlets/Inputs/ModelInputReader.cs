using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;

namespace ModelCost.PS.Inputs;

/// <summary>
/// The one conversion from what users have at hand to a model: a spec file (YAML or Keras JSON, told
/// apart by content), a trained model (.safetensors from Export-TrainedModel), or spec text. Every
/// command that takes a model reads files and text through here, so they all accept the same things.
/// </summary>
internal static class ModelInputReader
{
    public const string TrainedModelExtension = ".safetensors";

    /// <summary>Whether a file holds trained weights (by its extension; the reader checks the content).</summary>
    public static bool IsTrainedModelFile(string path) => path.EndsWith(TrainedModelExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a resolved file; throws the reader's ModelCostException (SpecFileNotFound, YamlSyntax, SafetensorsCorrupt, ...).</summary>
    public static IModelSource ReadFile(string fullPath, CancellationToken cancellationToken) =>
        IsTrainedModelFile(fullPath) ? TrainedModelFile.Load(fullPath, cancellationToken) : ModelSpecReader.Load(fullPath);

    public static ModelSpec ReadText(string text) => ModelSpecReader.Parse(text, null);

    /// <summary>
    /// One line of a YAML or JSON spec rather than a path or a whole spec: what <c>Get-Content spec.yaml | …</c> sends
    /// (no newline, and the shape of a YAML key line "kind: ModelSpec", a list item "- Dense(10)", a comment, or a lone
    /// bracket or JSON member). A Windows path "C:\x.yaml" is not one: its colon is not followed by a space.
    /// </summary>
    public static bool LooksLikeOneLineOfSpec(string text) =>
        !text.Contains('\n') && OneLine.IsMatch(text);

    private static readonly System.Text.RegularExpressions.Regex OneLine = new(
        @"^\s*(#.*|-\s.*|-|[A-Za-z_][\w.]*\s*:(\s.*)?|""[^""]+""\s*:.*|[\]\}]+,?)\s*$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Spec text rather than a path: several lines, a JSON object, or the YAML envelope's first key.</summary>
    public static bool LooksLikeSpecText(string text)
    {
        if (text.Contains('\n')) return true;
        var t = text.AsSpan().TrimStart("\uFEFF \t\r");
        return t.StartsWith("{") || t.StartsWith("apiVersion:", StringComparison.Ordinal);
    }
}
