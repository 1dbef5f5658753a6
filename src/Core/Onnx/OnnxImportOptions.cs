namespace ModelCost.Core.Onnx;

/// <summary>How <see cref="OnnxImporter"/> treats what it cannot map.</summary>
public sealed class OnnxImportOptions
{
    /// <summary>
    /// Leave nodes whose operator cannot be mapped out of the spec (they cost nothing) instead of failing;
    /// the result lists them. Nodes that read a skipped node's result are skipped too unless the skipped
    /// node keeps its input's shape.
    /// </summary>
    public bool SkipUnsupported { get; init; }

    public static OnnxImportOptions Default { get; } = new();
}
