namespace ModelCost.Core.Onnx;

/// <summary>A node that <see cref="OnnxImportOptions.SkipUnsupported"/> left out of the spec, and why; it costs nothing in the figures.</summary>
public sealed class OnnxSkippedNode
{
    public required string Node { get; init; }
    public required string OpType { get; init; }
    public required string Reason { get; init; }

    public override string ToString() => $"'{Node}' ({OpType}): {Reason}";
}
