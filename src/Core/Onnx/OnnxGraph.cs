using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>What <see cref="OnnxFileReader"/> reads from an ONNX file: the model's header, its nodes and value infos, and its initializers without their weights.</summary>
internal sealed class OnnxGraph
{
    public required string File { get; init; }
    public long IrVersion { get; init; }
    public string ProducerName { get; init; } = "";
    public string ProducerVersion { get; init; } = "";
    public string GraphName { get; init; } = "";

    /// <summary>Opset version per domain ("" is the default ONNX domain, ai.onnx).</summary>
    public required IReadOnlyDictionary<string, long> Opsets { get; init; }

    public required IReadOnlyList<NodeProto> Nodes { get; init; }
    public required IReadOnlyDictionary<string, OnnxInitializer> Initializers { get; init; }
    public required IReadOnlyList<ValueInfoProto> Inputs { get; init; }
    public required IReadOnlyList<ValueInfoProto> Outputs { get; init; }
    public required IReadOnlyList<ValueInfoProto> ValueInfo { get; init; }

    /// <summary>The default-domain opset (0 when the model imports none).</summary>
    public long Opset => Opsets.TryGetValue("", out var v) ? v : 0;
}
