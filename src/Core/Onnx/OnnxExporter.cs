using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Specs;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Writes a trained model as ONNX (opset <see cref="Opset"/>), computing what our engine computes: the
/// input is the spec's channels-last shape with a free batch dimension; convolutions, pooling and
/// batch normalisation run channels first between Transpose nodes, as ONNX defines them; kernels are
/// permuted from Keras order (LSTM gates i, f, c, o become ONNX's i, o, f, c). Each layer's main node is
/// named after the layer, so importing the file back gives the same layer names. docs/onnx.md lists
/// what maps to what.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically; returns the bytes written.</summary>
    public static long Save(TrainedModel model, string path, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var proto = Build(model);
        long bytes = 0;
        AtomicFile.Write(path, stream =>
        {
            proto.WriteTo(stream);
            bytes = stream.Position;
        }, overwrite, cancellationToken);
        return bytes;
    }

    /// <summary>The ONNX model for a trained model (not yet written).</summary>
    public static ModelProto Build(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var resolved = ShapeInference.Resolve(model.Spec);
        OnnxGraphBuilder.CheckSupported(resolved);
        var weights = Weights(model, resolved);
        var b = new OnnxGraphBuilder(resolved, weights);
        b.Run();
        var proto = new ModelProto
        {
            IrVersion = 8, ProducerName = "ModelCost.PS",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = model.Spec.Description ?? "", Graph = b.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "modelcost.spec", Value = ModelSpecYaml.Serialize(model.Spec) });
        return proto;
    }

    /// <summary>The model's tensors by name, each checked against the layout the spec implies.</summary>
    private static Dictionary<string, NamedTensor> Weights(TrainedModel model, ResolvedModel resolved)
    {
        var byName = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var slot in WeightLayout.For(resolved))
        {
            if (!byName.TryGetValue(slot.Name, out var t) || !t.Shape.AsSpan().SequenceEqual(slot.Shape) || t.Data.Length != slot.Elements)
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"Model '{model.Spec.Name}': weight '{slot.Name}' {(t is null ? "is missing" : $"has shape {ShapeText.Format(t.Shape)}")}; the spec needs {ShapeText.Format(slot.Shape)}.", slot.Name);
        }
        return byName;
    }

    internal static TensorProto Tensor(string name, int[] dims, ReadOnlySpan<float> data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data)) };
        foreach (var d in dims) t.Dims.Add(d);
        return t;
    }

    internal static TensorProto Int64Tensor(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.Add(values.Length);
        return t;
    }

    /// <summary>Row-major permutation of a tensor: result axis d is source axis perm[d].</summary>
    internal static float[] Permute(float[] data, int[] shape, int[] perm, out int[] newShape)
    {
        int rank = shape.Length;
        newShape = perm.Select(p => shape[p]).ToArray();
        var srcStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) { srcStrides[d] = s; s *= shape[d]; }
        var result = new float[data.Length];
        var idx = new int[rank];
        for (int i = 0; i < result.Length; i++)
        {
            int src = 0;
            for (int d = 0; d < rank; d++) src += idx[d] * srcStrides[perm[d]];
            result[i] = data[src];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < newShape[d]) break;
                idx[d] = 0;
            }
        }
        return result;
    }

    internal static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
