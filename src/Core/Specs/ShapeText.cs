using System.Globalization;

namespace ModelCost.Core.Specs;

/// <summary>Formats shapes the way Keras prints them: <c>(None, 26, 26, 16)</c>.</summary>
public static class ShapeText
{
    /// <summary>A shape without batch: <c>(28, 28, 1)</c>.</summary>
    public static string Format(IReadOnlyList<int> shape) =>
        "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? ",)" : ")");

    /// <summary>A shape with Keras' unknown batch dimension: <c>(None, 28, 28, 1)</c>.</summary>
    public static string FormatWithBatch(IReadOnlyList<int> shape) =>
        "(None" + string.Concat(shape.Select(d => ", " + d.ToString(CultureInfo.InvariantCulture))) + ")";
}
