namespace ModelCost.Core.Onnx;

/// <summary>
/// A graph initializer as the reader keeps it: name, element type and dims, where its data lives, and
/// its values only when the tensor is small (shapes, axes, scalars). Weights are counted, never copied.
/// </summary>
internal sealed class OnnxInitializer
{
    /// <summary>Tensors of at most this many bytes keep their values (shape tensors, scalars, small biases).</summary>
    public const int SmallTensorBytes = 64 * 1024;

    public required string Name { get; init; }

    /// <summary>ONNX TensorProto.DataType (1 float, 7 int64, ...).</summary>
    public required int DataType { get; init; }

    public required long[] Dims { get; init; }

    public required long Elements { get; init; }

    /// <summary>The values as doubles when the tensor is small and numeric; null otherwise.</summary>
    public double[]? Values { get; init; }

    /// <summary>True when the data sits in an external file (data_location EXTERNAL).</summary>
    public bool External { get; init; }

    /// <summary>External data: the file (relative to the model's folder), the byte offset and length (-1 when not given).</summary>
    public string? ExternalLocation { get; init; }
    public long ExternalOffset { get; init; }
    public long ExternalLength { get; init; } = -1;

    public override string ToString() => $"{Name} [{string.Join(", ", Dims)}]";
}
