namespace ModelCost.Core.Onnx;

/// <summary>
/// A tensor of the ONNX graph as the mapper tracks it. A data tensor (one that depends on the model input)
/// has its ONNX shape with the batch axis, the spec layer that produces it, and the ONNX axes that form the
/// spec shape, in spec order: a channels-first image [N, C, H, W] is the spec's (H, W, C), so its
/// <see cref="SpecAxes"/> are [2, 3, 1]; a global pooling result [N, C, 1, 1] is (C), axes [1]. Axes left out
/// of <see cref="SpecAxes"/> (besides batch) are always of size 1. A static tensor (initializer, constant,
/// shape arithmetic) has no batch axis and carries its values when they are small.
/// </summary>
internal sealed class OnnxTensor
{
    public required long[] Shape { get; init; }

    /// <summary>The batch axis of a data tensor; -1 for a static tensor.</summary>
    public int BatchAxis { get; init; } = -1;

    public int[] SpecAxes { get; init; } = [];

    /// <summary>The spec layer producing a data tensor (<c>input</c> for the model input).</summary>
    public string Layer { get; init; } = "";

    /// <summary>A static tensor's values when known and small.</summary>
    public double[]? Values { get; init; }

    /// <summary>Set when the tensor is an initializer (weights count as parameters when a layer reads them).</summary>
    public OnnxInitializer? Initializer { get; init; }

    /// <summary>Set when the tensor comes from a skipped node whose result is unknown.</summary>
    public string? SkippedBy { get; init; }

    public bool IsStatic => BatchAxis < 0;

    public int Rank => Shape.Length;

    /// <summary>The spec shape (without batch).</summary>
    public int[] SpecShape => SpecAxes.Select(a => checked((int)Shape[a])).ToArray();

    /// <summary>Spec order equals ONNX order (batch first, size-1 axes possibly dropped).</summary>
    public bool IsNatural
    {
        get
        {
            if (BatchAxis != 0) return false;
            for (int i = 1; i < SpecAxes.Length; i++)
                if (SpecAxes[i] <= SpecAxes[i - 1]) return false;
            return SpecAxes.Length == 0 || SpecAxes[0] >= 1;
        }
    }

    /// <summary>Natural with every non-batch axis kept: spec shape = ONNX shape without its first axis.</summary>
    public bool IsPlain => IsNatural && SpecAxes.Length == Rank - 1;

    /// <summary>Channels-first image layout of this rank: [N, C, d1, ..., dk] seen as (d1, ..., dk, C).</summary>
    public bool IsChannelsFirst
    {
        get
        {
            if (BatchAxis != 0 || Rank < 3 || SpecAxes.Length != Rank - 1 || SpecAxes[^1] != 1) return false;
            for (int i = 0; i < Rank - 2; i++)
                if (SpecAxes[i] != i + 2) return false;
            return true;
        }
    }

    /// <summary>A data tensor laid out in plain order: ONNX [N, d1, ..., dk] is the spec's (d1, ..., dk).</summary>
    public static OnnxTensor Plain(long[] shape, string layer) =>
        new() { Shape = shape, BatchAxis = 0, SpecAxes = Enumerable.Range(1, shape.Length - 1).ToArray(), Layer = layer };

    /// <summary>A data tensor laid out channels first: ONNX [N, C, d1, ..., dk] is the spec's (d1, ..., dk, C).</summary>
    public static OnnxTensor ChannelsFirst(long[] shape, string layer) =>
        new() { Shape = shape, BatchAxis = 0, SpecAxes = [.. Enumerable.Range(2, shape.Length - 2), 1], Layer = layer };

    public override string ToString() => $"[{string.Join(", ", Shape)}]" + (IsStatic ? " static" : $" from {Layer}");
}
