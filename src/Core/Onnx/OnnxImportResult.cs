using ModelCost.Core.Specs;

namespace ModelCost.Core.Onnx;

/// <summary>An imported ONNX model: its spec, what the file said about itself and the nodes that were skipped.</summary>
public sealed class OnnxImportResult
{
    public required ModelSpec Spec { get; init; }

    /// <summary>The default-domain (ai.onnx) opset the model was written for.</summary>
    public required long Opset { get; init; }

    public required string Producer { get; init; }

    /// <summary>Nodes left out under <see cref="OnnxImportOptions.SkipUnsupported"/>; empty otherwise.</summary>
    public required IReadOnlyList<OnnxSkippedNode> Skipped { get; init; }

    /// <summary>Weights in the file's initializers that the spec counts (every float initializer a layer reads).</summary>
    public required long InitializerParams { get; init; }
}
