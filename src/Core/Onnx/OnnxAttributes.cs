using System.Buffers.Binary;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>Typed access to a node's attributes (ONNX defaults when absent) and the values of small constant tensors.</summary>
internal static class OnnxAttributes
{
    public static AttributeProto? Find(NodeProto node, string name)
    {
        foreach (var a in node.Attribute)
            if (a.Name == name) return a;
        return null;
    }

    public static long Int(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    public static float Float(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    public static string String(NodeProto node, string name, string fallback) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? a.Ints.ToArray() : null;

    /// <summary>The values of a TensorProto held in a node (Constant's value), when small and numeric.</summary>
    public static double[]? Values(TensorProto t, out long[] dims)
    {
        dims = t.Dims.ToArray();
        if (t.RawData.Length > 0)
        {
            int size = OnnxFileReader.ElementSize(t.DataType);
            if (size == 0 || t.RawData.Length > OnnxInitializer.SmallTensorBytes) return null;
            var b = t.RawData.Span;
            var v = new double[b.Length / size];
            for (int i = 0; i < v.Length; i++)
            {
                var e = b.Slice(i * size, size);
                v[i] = t.DataType switch
                {
                    1 => BinaryPrimitives.ReadSingleLittleEndian(e),
                    11 => BinaryPrimitives.ReadDoubleLittleEndian(e),
                    6 => BinaryPrimitives.ReadInt32LittleEndian(e),
                    7 => BinaryPrimitives.ReadInt64LittleEndian(e),
                    9 or 2 => e[0],
                    3 => (sbyte)e[0],
                    10 => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                    _ => double.NaN,
                };
            }
            return v;
        }
        if (t.FloatData.Count > 0) return t.FloatData.Select(f => (double)f).ToArray();
        if (t.Int64Data.Count > 0) return t.Int64Data.Select(f => (double)f).ToArray();
        if (t.Int32Data.Count > 0) return t.Int32Data.Select(f => (double)f).ToArray();
        if (t.DoubleData.Count > 0) return t.DoubleData.ToArray();
        return Elements(dims) == 0 ? [] : null;
    }

    public static long Elements(long[] dims)
    {
        long n = 1;
        foreach (var d in dims) n = checked(n * d);
        return n;
    }
}
