using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs;

/// <summary>
/// The rule every model name keeps, wherever it comes from (a command, YAML, Keras JSON, ONNX): a name
/// becomes a file name, a chart label and part of every message about the model, so a 5,000,000-character
/// name is refused up front with a message that shows only its start. Any other text is a valid name (quotes,
/// newlines: the YAML and Python writers escape them; file names made from it replace them, see ExportTargets).
/// </summary>
internal static class ModelName
{
    public static string Check(string? name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > ModelSpec.MaxNameLength)
            throw Invalid(name, string.Create(CultureInfo.InvariantCulture,
                $"is {name.Length:N0} characters long; a model name may have at most {ModelSpec.MaxNameLength}"));
        return name;
    }

    /// <summary>The start of a name for a message (never the whole of a huge one), control characters shown as escapes.</summary>
    public static string Shown(string name)
    {
        var head = name.Length > 40 ? name[..40] + "…" : name;
        return string.Concat(head.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    private static ModelCostException Invalid(string name, string why) =>
        new(ErrorIds.InvalidModelName, ModelCostErrorCategory.InvalidArgument,
            $"The model name '{Shown(name)}' {why}.", Shown(name)) { Option = "name" };
}
