namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>The file is not an ONNX model: not protobuf, or protobuf without a graph, an IR version or an opset.</summary>
    public const string OnnxInvalid = "OnnxInvalid";

    /// <summary>The ONNX file ends inside a message or a tensor (a partial download or copy).</summary>
    public const string OnnxTruncated = "OnnxTruncated";

    /// <summary>The model's default-domain opset is outside the range this module reads (11 to 21).</summary>
    public const string OnnxOpsetUnsupported = "OnnxOpsetUnsupported";

    /// <summary>The graph's nodes feed each other in a cycle, or a node reads a tensor nothing produces.</summary>
    public const string OnnxGraphInvalid = "OnnxGraphInvalid";

    /// <summary>An initializer keeps its weights in an external data file that is missing, too short or outside the model's folder.</summary>
    public const string OnnxExternalDataMissing = "OnnxExternalDataMissing";

    /// <summary>A node's operator (or an attribute of it) cannot be mapped onto a spec layer; -Skip Unsupported costs the rest.</summary>
    public const string OnnxOperatorUnsupported = "OnnxOperatorUnsupported";

    /// <summary>A trained model holds a layer or option that the ONNX exporter does not write.</summary>
    public const string OnnxExportUnsupported = "OnnxExportUnsupported";
}
