using System.Globalization;

namespace ModelCost.Core.Engines;

/// <summary>
/// One thing an engine cannot run: a layer (index, name, type), the option of it that is the
/// problem, and why. A limitation of the whole model or engine has no layer.
/// </summary>
public sealed class EngineLimitation
{
    /// <summary>0-based index of the layer, or null for a limitation of the whole model.</summary>
    public int? LayerIndex { get; init; }
    public string? LayerName { get; init; }
    public string? LayerType { get; init; }

    /// <summary>The layer option (Keras name) that is the problem, e.g. reset_after; "type" for the layer type itself.</summary>
    public string? Option { get; init; }

    public required string Reason { get; init; }

    public override string ToString() => LayerIndex is int i
        ? string.Format(CultureInfo.InvariantCulture, "layer {0} '{1}' ({2}): {3}", i, LayerName, LayerType, Reason)
        : Reason;
}
