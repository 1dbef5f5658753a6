namespace ModelCost.Core.Onnx;

/// <summary>What an ONNX import may leave out instead of failing.</summary>
public enum OnnxSkip
{
    /// <summary>Nodes whose operator has no spec layer (<see cref="OnnxImportOptions.SkipUnsupported"/>).</summary>
    Unsupported,
}
