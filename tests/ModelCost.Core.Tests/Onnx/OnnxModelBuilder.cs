using Google.Protobuf;
using Onnx;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>Builds small ONNX models in the tests with the schema's generated types (what any exporter writes).</summary>
internal sealed class OnnxModelBuilder
{
    public ModelProto Model { get; } = new() { IrVersion = 8, ProducerName = "tests" };
    public GraphProto Graph { get; } = new() { Name = "g" };

    public OnnxModelBuilder(long opset = 17, params long[] inputShape)
    {
        Model.Graph = Graph;
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (inputShape.Length > 0) Graph.Input.Add(Info("x", inputShape));
    }

    public static ValueInfoProto Info(string name, long[] shape, bool symbolicBatch = true)
    {
        var s = new TensorShapeProto();
        for (int d = 0; d < shape.Length; d++)
            s.Dim.Add(d == 0 && symbolicBatch ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = shape[d] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = s } } };
    }

    /// <summary>A float initializer of the given dims filled with a small repeating pattern.</summary>
    public string Weight(string name, params long[] dims)
    {
        long n = dims.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (long i = 0; i < n; i++) data[i] = (i % 7) * 0.01f;
        var t = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())) };
        t.Dims.AddRange(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    public string Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return name;
    }

    public string Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.FloatData.Add(value);
        Graph.Initializer.Add(t);
        return name;
    }

    public NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attrs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        n.Attribute.AddRange(attrs);
        Graph.Node.Add(n);
        return n;
    }

    public void Output(string name, params long[] shape) => Graph.Output.Add(Info(name, shape));

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };

    public static AttributeProto IntList(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public byte[] Bytes() => Model.ToByteArray();

    public string Save(string path)
    {
        File.WriteAllBytes(path, Bytes());
        return path;
    }

    /// <summary>x [N, 1, 8, 8] → Conv 4@3×3 pads 1 → Relu → MaxPool 2 → Flatten → Gemm 10 → Softmax.</summary>
    public static OnnxModelBuilder SmallCnn(long opset = 17)
    {
        var b = new OnnxModelBuilder(opset, 1, 1, 8, 8);
        b.Node("Conv", "conv", ["x", b.Weight("w", 4, 1, 3, 3), b.Weight("b", 4)], "c", IntList("pads", 1, 1, 1, 1), IntList("kernel_shape", 3, 3));
        b.Node("Relu", "relu", ["c"], "r");
        b.Node("MaxPool", "pool", ["r"], "p", IntList("kernel_shape", 2, 2), IntList("strides", 2, 2));
        b.Node("Flatten", "flatten", ["p"], "f", Int("axis", 1));
        b.Node("Gemm", "fc", ["f", b.Weight("fw", 10, 64), b.Weight("fb", 10)], "y", Int("transB", 1));
        b.Node("Softmax", "softmax", ["y"], "probs", Int("axis", -1));
        b.Output("probs", 1, 10);
        return b;
    }
}
