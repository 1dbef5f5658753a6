using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Static nodes: constants and the shape arithmetic exporters emit around Reshape (Shape → Gather →
/// Unsqueeze → Concat). They run once when the graph is loaded, not per sample, so they cost nothing and
/// become no layer; their values are computed here when small, because Reshape and Clip need them.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    private const int MaxStaticElements = 1 << 16;

    private void FoldStatic(NodeProto node, OnnxTensor?[] inputs)
    {
        OnnxTensor? a = inputs.Length > 0 ? inputs[0] : null;
        switch (node.OpType)
        {
            case "Constant":
            {
                var attr = node.Attribute.FirstOrDefault();
                if (attr is null) throw Unsupported(node, "a Constant without a value");
                long[] dims;
                double[]? v;
                switch (attr.Name)
                {
                    case "value": v = OnnxAttributes.Values(attr.T, out dims); break;
                    case "value_float": dims = []; v = [attr.F]; break;
                    case "value_int": dims = []; v = [attr.I]; break;
                    case "value_floats": dims = [attr.Floats.Count]; v = attr.Floats.Select(f => (double)f).ToArray(); break;
                    case "value_ints": dims = [attr.Ints.Count]; v = attr.Ints.Select(f => (double)f).ToArray(); break;
                    default: throw Unsupported(node, $"a Constant with attribute '{attr.Name}'");
                }
                SetOutput(node, Static(dims, v));
                return;
            }
            case "Shape":
            {
                var src = Need(node, a);
                long start = OnnxAttributes.Int(node, "start", 0), end = OnnxAttributes.Int(node, "end", src.Rank);
                start = Math.Clamp(start < 0 ? start + src.Rank : start, 0, src.Rank);
                end = Math.Clamp(end < 0 ? end + src.Rank : end, 0, src.Rank);
                var v = src.Shape.Skip((int)start).Take((int)Math.Max(0, end - start)).Select(x => (double)x).ToArray();
                SetOutput(node, Static([v.Length], v));
                return;
            }
            case "ConstantOfShape":
            {
                var shape = Values(node, Need(node, a), "shape").Select(x => (long)x).ToArray();
                var value = OnnxAttributes.Find(node, "value") is { } attr ? OnnxAttributes.Values(attr.T, out _)?.FirstOrDefault() ?? 0 : 0;
                long n = OnnxAttributes.Elements(shape);
                SetOutput(node, Static(shape, n <= MaxStaticElements ? Enumerable.Repeat(value, (int)n).ToArray() : null));
                return;
            }
            case "Identity":
                // Exporters alias shared weights through Identity: the result is the initializer itself.
                SetOutput(node, Need(node, a));
                return;
            case "Cast" or "Floor" or "Ceil" or "Neg" or "Sqrt" or "Abs" or "Relu" or "Reciprocal":
            {
                var src = Need(node, a);
                Func<double, double> f = node.OpType switch
                {
                    "Floor" => Math.Floor, "Ceil" => Math.Ceiling, "Neg" => x => -x, "Sqrt" => Math.Sqrt, "Abs" => Math.Abs,
                    "Relu" => x => Math.Max(0, x), "Reciprocal" => x => 1 / x,
                    "Cast" => CastTo((int)OnnxAttributes.Int(node, "to", 1)),
                    _ => x => x,
                };
                SetOutput(node, Static(src.Shape, src.Values?.Select(f).ToArray()));
                return;
            }
            case "Add" or "Sub" or "Mul" or "Div" or "Equal" or "Less" or "Greater" or "Pow" or "Max" or "Min" or "Mod":
            {
                var b = Need(node, inputs.Length > 1 ? inputs[1] : null);
                var x = Need(node, a);
                var shape = Broadcast(node, x.Shape, b.Shape);
                double[]? v = null;
                if (x.Values is not null && b.Values is not null && OnnxAttributes.Elements(shape) <= MaxStaticElements)
                {
                    Func<double, double, double> f = node.OpType switch
                    {
                        "Add" => (p, q) => p + q, "Sub" => (p, q) => p - q, "Mul" => (p, q) => p * q,
                        "Div" => (p, q) => IsIntegral(x) && IsIntegral(b) ? Math.Truncate(p / q) : p / q,
                        "Equal" => (p, q) => p == q ? 1 : 0, "Less" => (p, q) => p < q ? 1 : 0, "Greater" => (p, q) => p > q ? 1 : 0,
                        "Pow" => Math.Pow, "Max" => Math.Max, "Min" => Math.Min, _ => (p, q) => p % q,
                    };
                    v = Elementwise(shape, x, b, f);
                }
                SetOutput(node, Static(shape, v));
                return;
            }
            case "Unsqueeze" or "Squeeze":
            {
                var src = Need(node, a);
                var axes = (OnnxAttributes.Ints(node, "axes") ?? (inputs.Length > 1 && inputs[1] is { } ax ? Values(node, ax, "axes").Select(d => (long)d).ToArray() : null));
                long[] shape;
                if (node.OpType == "Unsqueeze")
                {
                    if (axes is null) throw Unsupported(node, "Unsqueeze without axes");
                    int rank = src.Rank + axes.Length;
                    var norm = axes.Select(x => x < 0 ? x + rank : x).ToHashSet();
                    shape = new long[rank];
                    for (int d = 0, k = 0; d < rank; d++) shape[d] = norm.Contains(d) ? 1 : src.Shape[k++];
                }
                else
                {
                    var norm = axes?.Select(x => x < 0 ? x + src.Rank : x).ToHashSet();
                    shape = src.Shape.Where((d, i) => norm is null ? d != 1 : !norm.Contains(i)).ToArray();
                }
                SetOutput(node, Static(shape, src.Values));
                return;
            }
            case "Concat":
            {
                var parts = inputs.Where(t => t is not null).Select(t => t!).ToList();
                long axis = OnnxAttributes.Int(node, "axis", 0);
                if (parts.Any(p => p.Rank != 1) || (axis != 0 && axis != -1))
                {
                    SetOutput(node, Static(parts[0].Shape, null));
                    return;
                }
                var v = parts.All(p => p.Values is not null) ? parts.SelectMany(p => p.Values!).ToArray() : null;
                SetOutput(node, Static([parts.Sum(p => p.Shape[0])], v));
                return;
            }
            case "Gather":
            {
                var data = Need(node, a);
                var idx = Need(node, inputs.Length > 1 ? inputs[1] : null);
                long axis = OnnxAttributes.Int(node, "axis", 0);
                if (axis < 0) axis += data.Rank;
                var shape = data.Shape.Take((int)axis).Concat(idx.Shape).Concat(data.Shape.Skip((int)axis + 1)).ToArray();
                double[]? v = null;
                if (data.Rank == 1 && data.Values is not null && idx.Values is not null)
                    v = idx.Values.Select(i => data.Values[(int)(i < 0 ? i + data.Shape[0] : i)]).ToArray();
                SetOutput(node, Static(shape, v));
                return;
            }
            case "Slice":
            {
                var data = Need(node, a);
                if (data.Rank == 1 && data.Values is not null && inputs.Length >= 3 && inputs[1]?.Values is { } st && inputs[2]?.Values is { } en)
                {
                    long n = data.Shape[0];
                    long s0 = (long)Math.Clamp(st[0] < 0 ? st[0] + n : st[0], 0, n), e0 = (long)Math.Clamp(en[0] < 0 ? en[0] + n : en[0], 0, n);
                    var v = data.Values.Skip((int)s0).Take((int)Math.Max(0, e0 - s0)).ToArray();
                    SetOutput(node, Static([v.Length], v));
                    return;
                }
                SetOutput(node, Static(data.Shape, null));
                return;
            }
            case "Reshape":
            {
                var data = Need(node, a);
                var target = Values(node, Need(node, inputs.Length > 1 ? inputs[1] : null), "shape");
                var shape = ReshapeTarget(node, data.Shape, target);
                SetOutput(node, Static(shape, data.Values));
                return;
            }
            default:
                // Any other operator on constants only: its value is not needed unless a later node asks for it.
                foreach (var o in node.Output)
                    if (o.Length > 0) _tensors[o] = new OnnxTensor { Shape = [], Values = null };
                return;
        }
    }

    private static bool IsIntegral(OnnxTensor t) =>
        t.Initializer is { DataType: 6 or 7 } || (t.Values is not null && t.Values.All(v => v == Math.Floor(v)));

    private static Func<double, double> CastTo(int type) => type switch
    {
        6 or 7 or 3 or 5 => x => Math.Truncate(x),
        9 => x => x != 0 ? 1 : 0,
        _ => x => x,
    };

    private static OnnxTensor Static(long[] shape, double[]? values) => new() { Shape = shape, Values = values };

    private static OnnxTensor Need(NodeProto node, OnnxTensor? t) =>
        t ?? throw Unsupported(node, "a required input is missing");

    /// <summary>The values of a static input the mapping depends on (a shape, axes, a bound).</summary>
    private static double[] Values(NodeProto node, OnnxTensor t, string what)
    {
        if (!t.IsStatic) throw Unsupported(node, $"its {what} is computed from the data at run time");
        return t.Values ?? throw Unsupported(node, $"its {what} cannot be worked out when the model is loaded");
    }

    private static long[] Broadcast(NodeProto node, long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var o = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long x = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            long y = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (x != y && x != 1 && y != 1)
                throw Unsupported(node, $"shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast");
            o[i] = x == 1 ? y : x;
        }
        return o;
    }

    private static double[] Elementwise(long[] shape, OnnxTensor x, OnnxTensor y, Func<double, double, double> f)
    {
        long n = OnnxAttributes.Elements(shape);
        var v = new double[n];
        for (long i = 0; i < n; i++) v[i] = f(x.Values![BroadcastIndex(i, shape, x.Shape)], y.Values![BroadcastIndex(i, shape, y.Shape)]);
        return v;
    }

    private static long BroadcastIndex(long flat, long[] outShape, long[] inShape)
    {
        long index = 0, stride = 1;
        for (int d = outShape.Length - 1, k = inShape.Length - 1; d >= 0; d--, k--)
        {
            long coord = flat % outShape[d];
            flat /= outShape[d];
            if (k < 0) continue;
            if (inShape[k] != 1) index += coord * stride;
            stride *= inShape[k];
        }
        return index;
    }

    /// <summary>ONNX Reshape's target: 0 copies the input's dimension (allowzero 0), one -1 is inferred.</summary>
    private static long[] ReshapeTarget(NodeProto node, long[] input, double[] target)
    {
        bool allowZero = OnnxAttributes.Int(node, "allowzero", 0) == 1;
        var o = new long[target.Length];
        long known = 1;
        int infer = -1;
        for (int d = 0; d < target.Length; d++)
        {
            long t = (long)target[d];
            if (t == 0 && !allowZero)
            {
                if (d >= input.Length) throw Unsupported(node, $"target dimension {d} copies an input dimension that does not exist");
                t = input[d];
            }
            if (t == -1)
            {
                if (infer >= 0) throw Unsupported(node, "a target shape with two -1 entries");
                infer = d;
                continue;
            }
            if (t < 0) throw Unsupported(node, $"a target dimension of {t}");
            o[d] = t;
            known = checked(known * t);
        }
        long total = OnnxAttributes.Elements(input);
        if (infer >= 0)
        {
            if (known == 0 || total % known != 0) throw Unsupported(node, $"[{string.Join(", ", input)}] cannot be reshaped to [{string.Join(", ", target)}]");
            o[infer] = total / known;
        }
        else if (known != total) throw Unsupported(node, $"[{string.Join(", ", input)}] has {total} values but the target [{string.Join(", ", target)}] holds {known}");
        return o;
    }
}
