using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>Data nodes: operators on tensors that depend on the model input, each mapped onto a spec layer.</summary>
internal sealed partial class OnnxGraphMapper
{
    private void MapData(NodeProto node, OnnxTensor?[] inputs)
    {
        var x = inputs.Length > 0 && inputs[0] is { IsStatic: false } first ? first : null;
        switch (node.OpType)
        {
            case "Conv": MapConv(node, Data(node, x), inputs); break;
            case "MaxPool" or "AveragePool": MapPool(node, Data(node, x)); break;
            case "GlobalAveragePool" or "GlobalMaxPool": MapGlobalPool(node, Data(node, x)); break;
            case "BatchNormalization": MapBatchNorm(node, Data(node, x), inputs); break;
            case "Gemm": MapGemm(node, Data(node, x), inputs); break;
            case "MatMul": MapMatMul(node, inputs); break;
            case "Add" when TryMapPositionEmbedding(node, inputs): break;
            case "Add" or "Sum": MapAdd(node, inputs); break;
            case "Div" or "Mul" when TryMapErfGelu(node, inputs): break;
            case "Relu" or "Sigmoid" or "Tanh" or "Elu" or "Selu" or "Softplus" or "Softsign" or "HardSigmoid" or "LeakyRelu" or "Gelu" or "Exp":
                MapActivation(node, Data(node, x), ActivationOf(node));
                break;
            case "Clip": MapClip(node, Data(node, x), inputs); break;
            case "Softmax": MapSoftmax(node, Data(node, x)); break;
            case "Flatten": MapFlatten(node, Data(node, x)); break;
            case "Reshape": MapReshape(node, Data(node, x), inputs); break;
            case "Concat": MapConcat(node, inputs); break;
            case "Dropout": MapDropout(node, Data(node, x), inputs); break;
            case "Identity": SetOutput(node, Data(node, x)); break;
            case "Transpose": MapTranspose(node, Data(node, x)); break;
            case "Squeeze" or "Unsqueeze": MapSqueeze(node, Data(node, x), inputs); break;
            case "GRU" or "LSTM" or "RNN": MapRecurrent(node, Data(node, x), inputs); break;
            case "ReduceMean": MapReduceMean(node, Data(node, x), inputs); break;
            case "Gather" when inputs.Length == 2 && inputs[0] is { IsStatic: true } && inputs[1] is { IsStatic: false }:
                MapEmbedding(node, inputs[0]!, inputs[1]!);
                break;
            case "Gather": MapGather(node, Data(node, x), inputs); break;
            case "LayerNormalization": MapLayerNorm(node, Data(node, x), inputs); break;
            case "Mul" or "Div" or "Sub" or "Pow" when inputs.Any(t => t is { IsStatic: true }):
                throw Unsupported(node, $"an elementwise {node.OpType} with a constant (the spec has no scaling layer; Macs and Flops count it 0)");
            default: throw Unsupported(node, $"operator {node.OpType} has no spec layer");
        }
    }

    private static OnnxTensor Data(NodeProto node, OnnxTensor? x) =>
        x ?? throw Unsupported(node, "its first input is a constant, not data computed from the model input");

    private static OnnxInitializer Weight(NodeProto node, OnnxTensor? t, string what)
    {
        if (t is null) throw Unsupported(node, $"its {what} is missing");
        if (t.Initializer is null) throw Unsupported(node, $"its {what} is computed in the graph, not stored as an initializer");
        return t.Initializer;
    }

    // ---- Convolution and pooling ---------------------------------------------------------------

    private void MapConv(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        var w = Weight(node, inputs.Length > 1 ? inputs[1] : null, "weight");
        var b = inputs.Length > 2 && inputs[2] is not null ? Weight(node, inputs[2], "bias") : null;
        int rank = w.Dims.Length - 2;
        if (rank is < 1 or > 3) throw Unsupported(node, $"a weight of rank {w.Dims.Length}");
        RequireChannelsFirst(node, x, rank);
        long cin = x.Shape[1], cout = w.Dims[0], group = OnnxAttributes.Int(node, "group", 1);
        var kernel = w.Dims.Skip(2).Select(d => checked((int)d)).ToArray();
        RequireUnitDilations(node);
        var strides = Ints(node, "strides", rank, 1);
        var layer = new LayerSpecBuilder { KernelSize = kernel, Strides = strides, UseBias = b is not null };
        if (group == 1)
        {
            if (w.Dims[1] != cin) throw Unsupported(node, $"a weight for {w.Dims[1]} input channels on an input with {cin}");
            layer.Type = rank switch { 1 => LayerTypes.Conv1D, 2 => LayerTypes.Conv2D, _ => LayerTypes.Conv3D };
            layer.Filters = checked((int)cout);
        }
        else if (group == cin && rank == 2 && w.Dims[1] == 1 && cout % cin == 0)
        {
            layer.Type = LayerTypes.DepthwiseConv2D;
            layer.DepthMultiplier = checked((int)(cout / cin));
        }
        else throw Unsupported(node, $"a grouped convolution (group {group} of {cin} channels); only group 1 and depthwise (group = channels) map onto spec layers");
        if (b is not null && b.Elements != cout) throw Unsupported(node, $"a bias of {b.Elements} values for {cout} output channels");

        var (padding, output, source) = Padding(node, x, kernel, strides, ceil: false);
        layer.Padding = padding;
        long weights = w.Elements + (b?.Elements ?? 0);
        var name = Emit(node, layer, [source], weights);
        SetOutput(node, OnnxTensor.ChannelsFirst([x.Shape[0], cout, .. output], name));
    }

    private void MapPool(NodeProto node, OnnxTensor x)
    {
        var kernel = OnnxAttributes.Ints(node, "kernel_shape")?.Select(d => checked((int)d)).ToArray()
            ?? throw Unsupported(node, "no kernel_shape");
        int rank = kernel.Length;
        if (rank is < 1 or > 3) throw Unsupported(node, $"a {rank}-D window");
        RequireChannelsFirst(node, x, rank);
        RequireUnitDilations(node);
        if (node.Output.Count > 1 && node.Output[1].Length > 0 && _consumers.GetValueOrDefault(node.Output[1]) > 0)
            throw Unsupported(node, "its Indices output is used");
        var strides = Ints(node, "strides", rank, 1);
        bool ceil = OnnxAttributes.Int(node, "ceil_mode", 0) == 1;
        var (padding, output, source) = Padding(node, x, kernel, strides, ceil);
        bool max = node.OpType == "MaxPool";
        var layer = new LayerSpecBuilder
        {
            Type = (max ? "MaxPooling" : "AveragePooling") + rank + "D",
            PoolSize = kernel, Strides = strides, Padding = padding,
        };
        var name = Emit(node, layer, [source], 0);
        SetOutput(node, OnnxTensor.ChannelsFirst([x.Shape[0], x.Shape[1], .. output], name));
    }

    private void MapGlobalPool(NodeProto node, OnnxTensor x)
    {
        int rank = x.Rank - 2;
        if (!x.IsChannelsFirst || rank is < 1 or > 2) throw Unsupported(node, $"an input that is not a 1-D or 2-D channels-first image ([{string.Join(", ", x.Shape)}])");
        bool max = node.OpType == "GlobalMaxPool";
        if (max && rank == 1) throw Unsupported(node, "global max pooling over a sequence (no GlobalMaxPooling1D layer)");
        string type = max ? LayerTypes.GlobalMaxPooling2D : rank == 1 ? LayerTypes.GlobalAveragePooling1D : LayerTypes.GlobalAveragePooling2D;
        var name = Emit(node, new LayerSpecBuilder { Type = type }, [x], 0);
        // ONNX keeps the pooled axes as size 1 ([N, C, 1, 1]); the spec's result is (C).
        SetOutput(node, new OnnxTensor { Shape = [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1L, rank)], BatchAxis = 0, SpecAxes = [1], Layer = name });
    }

    /// <summary>
    /// Maps ONNX padding onto the spec's: no padding is 'valid'; padding whose output size is TF's
    /// ceil(in / stride) is 'same' (the counts depend only on the output size, so a symmetric split costs the
    /// same as TF's); any other 2-D padding becomes a ZeroPadding2D layer before a 'valid' one.
    /// </summary>
    private (string Padding, long[] Output, OnnxTensor Source) Padding(NodeProto node, OnnxTensor x, int[] kernel, int[] strides, bool ceil)
    {
        int rank = kernel.Length;
        var spatial = x.Shape.Skip(2).ToArray();
        string auto = OnnxAttributes.String(node, "auto_pad", "NOTSET");
        var pads = OnnxAttributes.Ints(node, "pads") ?? new long[2 * rank];
        if (pads.Length != 2 * rank) throw Unsupported(node, $"{pads.Length} pads for a {rank}-D window");
        if (auto is "SAME_UPPER" or "SAME_LOWER")
            return ("same", spatial.Select((n, d) => (n + strides[d] - 1) / strides[d]).ToArray(), x);
        if (auto == "VALID") pads = new long[2 * rank];
        else if (auto != "NOTSET") throw Unsupported(node, $"auto_pad '{auto}'");

        var output = new long[rank];
        bool zero = true, same = true;
        for (int d = 0; d < rank; d++)
        {
            long span = spatial[d] + pads[d] + pads[d + rank] - kernel[d];
            if (span < 0) throw Unsupported(node, $"a window of {kernel[d]} larger than the padded input ({spatial[d] + pads[d] + pads[d + rank]}) in spatial dimension {d}");
            output[d] = (ceil ? (span + strides[d] - 1) / strides[d] : span / strides[d]) + 1;
            zero &= pads[d] == 0 && pads[d + rank] == 0;
            same &= output[d] == (spatial[d] + strides[d] - 1) / strides[d];
        }
        bool validMatches = Enumerable.Range(0, rank).All(d => output[d] == (spatial[d] - kernel[d]) / strides[d] + 1);
        if (zero && validMatches) return ("valid", output, x);
        if (same) return ("same", output, x);
        if (rank == 2 && Enumerable.Range(0, rank).All(d => output[d] == (spatial[d] + pads[d] + pads[d + rank] - kernel[d]) / strides[d] + 1))
        {
            var pad = new LayerSpecBuilder { Type = LayerTypes.ZeroPadding2D, ZeroPadding = [(int)pads[0], (int)pads[2], (int)pads[1], (int)pads[3]] };
            var padName = Emit(node, pad, [x], 0, "_pad");
            var padded = OnnxTensor.ChannelsFirst([x.Shape[0], x.Shape[1], spatial[0] + pads[0] + pads[2], spatial[1] + pads[1] + pads[3]], padName);
            return ("valid", output, padded);
        }
        throw Unsupported(node, $"pads [{string.Join(", ", pads)}]{(ceil ? " with ceil_mode" : "")} give an output size that neither 'valid' nor 'same' produces");
    }

    private static void RequireChannelsFirst(NodeProto node, OnnxTensor x, int rank)
    {
        if (x.Rank != rank + 2 || !x.IsChannelsFirst)
            throw Unsupported(node, $"an input [{string.Join(", ", x.Shape)}] that is not a channels-first {rank}-D image [N, C, ...]");
    }

    private static void RequireUnitDilations(NodeProto node)
    {
        var dil = OnnxAttributes.Ints(node, "dilations");
        if (dil is not null && dil.Any(d => d != 1)) throw Unsupported(node, $"dilations [{string.Join(", ", dil)}] (the spec has no dilated layers)");
    }

    private static int[] Ints(NodeProto node, string name, int rank, int fallback)
    {
        var v = OnnxAttributes.Ints(node, name);
        if (v is null) return Enumerable.Repeat(fallback, rank).ToArray();
        if (v.Length != rank || v.Any(s => s < 1 || s > int.MaxValue)) throw Unsupported(node, $"{name} [{string.Join(", ", v)}]");
        return v.Select(s => (int)s).ToArray();
    }

    // ---- Normalisation and dense products -------------------------------------------------------

    private void MapBatchNorm(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        long c = x.Rank >= 2 ? x.Shape[1] : 0;
        bool channelLast = x.IsChannelsFirst || (x.IsPlain && x.Rank == 2);
        if (!channelLast) throw Unsupported(node, $"an input [{string.Join(", ", x.Shape)}] whose channel axis is not the spec's last");
        long weights = 0;
        for (int i = 1; i <= 4; i++)
        {
            var p = Weight(node, inputs.Length > i ? inputs[i] : null, i switch { 1 => "scale", 2 => "bias", 3 => "mean", _ => "variance" });
            if (p.Elements != c) throw Unsupported(node, $"statistics of {p.Elements} values for {c} channels");
            weights += p.Elements;
        }
        for (int o = 1; o < node.Output.Count; o++)
            if (node.Output[o].Length > 0 && _consumers.GetValueOrDefault(node.Output[o]) > 0)
                throw Unsupported(node, "its training outputs (running statistics) are used");
        var layer = new LayerSpecBuilder
        {
            Type = LayerTypes.BatchNormalization,
            Epsilon = Shortest(OnnxAttributes.Float(node, "epsilon", 1e-5f)),
            Momentum = Shortest(OnnxAttributes.Float(node, "momentum", 0.9f)),
        };
        var name = Emit(node, layer, [x], weights);
        SetOutput(node, Relabel(x, name));
    }

    private void MapGemm(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        if (OnnxAttributes.Int(node, "transA", 0) != 0) throw Unsupported(node, "transA = 1 (the data transposed)");
        if (x.Rank != 2 || x.SpecAxes.Length != 1 || x.SpecAxes[0] != 1 || x.BatchAxis != 0)
            throw Unsupported(node, $"an input [{string.Join(", ", x.Shape)}] that is not flat (batch, features)");
        var w = Weight(node, inputs.Length > 1 ? inputs[1] : null, "weight");
        bool transB = OnnxAttributes.Int(node, "transB", 0) != 0;
        if (w.Dims.Length != 2) throw Unsupported(node, $"a weight of rank {w.Dims.Length}");
        long k = transB ? w.Dims[1] : w.Dims[0], n = transB ? w.Dims[0] : w.Dims[1];
        if (k != x.Shape[1]) throw Unsupported(node, $"a weight for {k} inputs on an input of {x.Shape[1]}");
        var c = inputs.Length > 2 && inputs[2] is not null ? Weight(node, inputs[2], "bias") : null;
        if (c is not null && c.Elements != n) throw Unsupported(node, $"a bias of {c.Elements} values for {n} outputs");
        var layer = new LayerSpecBuilder { Type = LayerTypes.Dense, Units = checked((int)n), UseBias = c is not null };
        var name = Emit(node, layer, [x], w.Elements + (c?.Elements ?? 0));
        SetOutput(node, OnnxTensor.Plain([x.Shape[0], n], name));
    }

    /// <summary>MatMul by a weight matrix is a Dense layer; a following Add of a bias vector becomes its bias.</summary>
    private void MapMatMul(NodeProto node, OnnxTensor?[] inputs)
    {
        var x = inputs.Length > 0 ? inputs[0] : null;
        var wt = inputs.Length > 1 ? inputs[1] : null;
        if (x is null || x.IsStatic) throw Unsupported(node, "its first operand is a constant");
        if (wt is { IsStatic: false })
        {
            MapProduct(node, x, wt);
            return;
        }
        if (wt is null) throw Unsupported(node, "its second operand is missing");
        var w = Weight(node, wt, "weight");
        if (w.Dims.Length != 2) throw Unsupported(node, $"a weight of rank {w.Dims.Length}");
        if (!x.IsPlain || x.Rank < 2) throw Unsupported(node, $"an input [{string.Join(", ", x.Shape)}] whose last axis is not the spec's last");
        long k = w.Dims[0], n = w.Dims[1];
        if (x.Shape[^1] != k) throw Unsupported(node, $"a weight for {k} inputs on an input of {x.Shape[^1]}");

        // Fold a bias Add (MatMul → Add(bias)) into the Dense layer when the Add is the product's only reader.
        NodeProto? biasAdd = null;
        OnnxInitializer? bias = null;
        var readers = Readers(node.Output[0]);
        if (readers.Count == 1 && readers[0].OpType == "Add" && readers[0].Input.Count == 2 && !_g.Outputs.Any(o => o.Name == node.Output[0]))
        {
            var other = readers[0].Input[0] == node.Output[0] ? readers[0].Input[1] : readers[0].Input[0];
            if (_tensors.TryGetValue(other, out var bt) && bt.Initializer is { } bi && bi.Elements == n && bi.Dims.Count(d => d != 1) <= 1)
            {
                biasAdd = readers[0];
                bias = bi;
            }
        }
        var layer = new LayerSpecBuilder { Type = LayerTypes.Dense, Units = checked((int)n), UseBias = bias is not null };
        var name = Emit(node, layer, [x], w.Elements + (bias?.Elements ?? 0));
        var result = OnnxTensor.Plain([.. x.Shape[..^1], n], name);
        SetOutput(node, result);
        if (biasAdd is not null)
        {
            _absorbed.Add(NodeKey(biasAdd));
            SetOutput(biasAdd, result);
        }
    }

    /// <summary>A product of two computed tensors (attention's Q·Kᵀ and P·V): a MatMul layer with exact MACs.</summary>
    private void MapProduct(NodeProto node, OnnxTensor a, OnnxTensor b)
    {
        if (!a.IsPlain || !b.IsPlain || a.Rank != b.Rank || a.Rank < 3)
            throw Unsupported(node, $"a product of [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}] that is not batch-first in both (rank 3 or more, equal ranks)");
        if (a.Shape[^1] != b.Shape[^2])
            throw Unsupported(node, $"[{string.Join(", ", a.Shape)}] · [{string.Join(", ", b.Shape)}] do not multiply");
        var lead = Broadcast(node, a.Shape[..^2], b.Shape[..^2]);
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.MatMul }, [a, b], 0);
        SetOutput(node, OnnxTensor.Plain([.. lead, a.Shape[^2], b.Shape[^1]], name));
    }

    private List<NodeProto> Readers(string tensor) => _g.Nodes.Where(n => n.Input.Contains(tensor)).ToList();

    private void MapAdd(NodeProto node, OnnxTensor?[] inputs)
    {
        var data = inputs.Where(t => t is not null).Select(t => t!).ToList();
        if (data.Any(t => t.IsStatic))
            throw Unsupported(node, "an add of a constant or weight tensor that no preceding MatMul takes as its bias");
        var first = data[0];
        foreach (var t in data.Skip(1))
            if (!t.Shape.AsSpan().SequenceEqual(first.Shape) || !t.SpecAxes.AsSpan().SequenceEqual(first.SpecAxes))
                throw Unsupported(node, $"inputs of different shapes [{string.Join(", ", first.Shape)}] and [{string.Join(", ", t.Shape)}] (broadcasting)");
        if (data.Count == 1) { SetOutput(node, first); return; }
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Add }, data, 0);
        SetOutput(node, Relabel(first, name));
    }

    // ---- Activations ----------------------------------------------------------------------------

    private static string ActivationOf(NodeProto node) => node.OpType switch
    {
        "Relu" => Activations.Relu, "Sigmoid" => Activations.Sigmoid, "Tanh" => Activations.Tanh, "Elu" => Activations.Elu,
        "Selu" => Activations.Selu, "Softplus" => Activations.Softplus, "Softsign" => Activations.Softsign,
        "HardSigmoid" => Activations.HardSigmoid, "LeakyRelu" => Activations.LeakyRelu, "Exp" => Activations.Exponential,
        "Gelu" when OnnxAttributes.String(node, "approximate", "none") == "none" => Activations.Gelu,
        _ => throw Unsupported(node, "an activation with no spec equivalent"),
    };

    private void MapActivation(NodeProto node, OnnxTensor x, string activation)
    {
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Activation, Activation = activation }, [x], 0);
        SetOutput(node, Relabel(x, name));
    }

    /// <summary>Clip(0, 6) is relu6 (MobileNet), Clip(0, ∞) relu; other bounds have no spec activation.</summary>
    private void MapClip(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        double lo, hi;
        if (_g.Opset < 11 || (node.Attribute.Count > 0 && inputs.Length == 1))
        {
            lo = OnnxAttributes.Float(node, "min", float.MinValue);
            hi = OnnxAttributes.Float(node, "max", float.MaxValue);
        }
        else
        {
            lo = inputs.Length > 1 && inputs[1] is not null ? Values(node, inputs[1]!, "minimum")[0] : double.NegativeInfinity;
            hi = inputs.Length > 2 && inputs[2] is not null ? Values(node, inputs[2]!, "maximum")[0] : double.PositiveInfinity;
        }
        string act = lo == 0 && hi == 6 ? Activations.Relu6
            : lo == 0 && (double.IsPositiveInfinity(hi) || hi >= float.MaxValue) ? Activations.Relu
            : throw Unsupported(node, $"clipping to [{lo}, {hi}] (only [0, 6] (relu6) and [0, ∞) (relu) are activations)");
        MapActivation(node, x, act);
    }

    private void MapSoftmax(NodeProto node, OnnxTensor x)
    {
        long axis = OnnxAttributes.Int(node, "axis", _g.Opset >= 13 ? -1 : 1);
        if (axis < 0) axis += x.Rank;
        // Before opset 13 Softmax flattens from axis onwards; on a rank-2 input that is the last axis too.
        bool last = x.SpecAxes.Length > 0 && x.SpecAxes[^1] == axis && (_g.Opset >= 13 || axis == x.Rank - 1);
        if (!last) throw Unsupported(node, $"softmax over axis {axis} of [{string.Join(", ", x.Shape)}], not the last axis");
        MapActivation(node, x, Activations.Softmax);
    }

    /// <summary>
    /// GELU as exporters write it before opset 20: x · 0.5 · (1 + erf(x / √2)), five nodes
    /// (Div, Erf, Add, Mul, Mul) that become one Activation(gelu) layer named after the last.
    /// </summary>
    private bool TryMapErfGelu(NodeProto div, OnnxTensor?[] inputs)
    {
        if (inputs.Length != 2 || inputs[0] is not { IsStatic: false } x || inputs[1]?.Values is not [var c]) return false;
        bool scaled = div.OpType == "Div" ? Math.Abs(c - Math.Sqrt(2)) < 1e-4 : Math.Abs(c - 1 / Math.Sqrt(2)) < 1e-4;
        if (!scaled) return false;
        var erf = Only(div.Output[0], "Erf");
        var plus = erf is null ? null : Only(erf.Output[0], "Add");
        if (plus is null || !IsConstantOperand(plus, erf!.Output[0], 1)) return false;
        var times = Only(plus.Output[0], "Mul");
        if (times is null || !times.Input.Contains(div.Input[0])) return false;
        var half = Only(times.Output[0], "Mul");
        if (half is null || !IsConstantOperand(half, times.Output[0], 0.5)) return false;
        foreach (var n in new[] { erf!, plus, times }) _absorbed.Add(NodeKey(n));
        _absorbed.Add(NodeKey(half));
        var name = Emit(half, new LayerSpecBuilder { Type = LayerTypes.Activation, Activation = Activations.Gelu }, [x], 0);
        SetOutput(half, Relabel(x, name));
        return true;
    }

    private NodeProto? Only(string tensor, string opType)
    {
        if (_g.Outputs.Any(o => o.Name == tensor)) return null;
        var r = Readers(tensor);
        return r.Count == 1 && r[0].OpType == opType ? r[0] : null;
    }

    private bool IsConstantOperand(NodeProto node, string data, double value)
    {
        if (node.Input.Count != 2) return false;
        var other = node.Input[0] == data ? node.Input[1] : node.Input[0];
        return _tensors.TryGetValue(other, out var t) && t.Values is [var v] && Math.Abs(v - value) < 1e-6;
    }

    // ---- Shape and data movement ---------------------------------------------------------------

    private void MapFlatten(NodeProto node, OnnxTensor x)
    {
        long axis = OnnxAttributes.Int(node, "axis", 1);
        if (axis < 0) axis += x.Rank;
        if (axis != 1 || x.BatchAxis != 0) throw Unsupported(node, $"flattening from axis {axis} (only axis 1, keeping the batch, maps onto Flatten)");
        Flatten(node, x);
    }

    /// <summary>[N, ...] → [N, features]: a Flatten layer, or nothing when the spec shape is already flat.</summary>
    private void Flatten(NodeProto node, OnnxTensor x)
    {
        long features = OnnxAttributes.Elements(x.Shape) / x.Shape[0];
        if (x.SpecAxes.Length <= 1)
        {
            SetOutput(node, OnnxTensor.Plain([x.Shape[0], features], x.Layer));
            return;
        }
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Flatten }, [x], 0);
        SetOutput(node, OnnxTensor.Plain([x.Shape[0], features], name));
    }

    private void MapReshape(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        var target = ReshapeTarget(node, x.Shape, Values(node, Need(node, inputs.Length > 1 ? inputs[1] : null), "target shape"));
        if (target.Length >= 1 && target[0] == x.Shape[0] && target.Length == 2 && x.BatchAxis == 0)
        {
            Flatten(node, x);
            return;
        }
        // A reshape that only adds or removes size-1 axes keeps the spec shape.
        var kept = target.Skip(1).Where(d => d != 1).ToArray();
        if (target.Length > 0 && target[0] == x.Shape[0] && x.BatchAxis == 0 && kept.AsSpan().SequenceEqual(x.SpecShape.Where(d => d != 1).Select(d => (long)d).ToArray()) && x.SpecShape.All(d => d != 1))
        {
            var axes = Enumerable.Range(1, target.Length - 1).Where(d => target[d] != 1).ToArray();
            SetOutput(node, new OnnxTensor { Shape = target, BatchAxis = 0, SpecAxes = axes, Layer = x.Layer });
            return;
        }
        if (target.Length < 2 || target[0] != x.Shape[0] || x.BatchAxis != 0 || target.Skip(1).Any(d => d > int.MaxValue))
            throw Unsupported(node, $"reshaping [{string.Join(", ", x.Shape)}] to [{string.Join(", ", target)}] (the batch must stay the first axis)");
        // Keras Reshape of the spec shape: the same sizes (for a channels-first image the spec's channels-last order
        // is what is reshaped: equal shapes and costs).
        var reshaped = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Reshape, TargetShape = target.Skip(1).Select(d => (int)d).ToArray() }, [x], 0);
        SetOutput(node, OnnxTensor.Plain(target, reshaped));
    }

    private void MapConcat(NodeProto node, OnnxTensor?[] inputs)
    {
        var data = inputs.Where(t => t is not null).Select(t => t!).ToList();
        if (data.Any(t => t.IsStatic)) throw Unsupported(node, "a concatenation with a constant tensor");
        var first = data[0];
        long axis = OnnxAttributes.Int(node, "axis", 1);
        if (axis < 0) axis += first.Rank;
        int specIndex = Array.IndexOf(first.SpecAxes, (int)axis);
        if (specIndex < 0 || data.Any(t => !t.SpecAxes.AsSpan().SequenceEqual(first.SpecAxes) || t.BatchAxis != first.BatchAxis))
            throw Unsupported(node, $"a concatenation along axis {axis}, which is not one of the spec's axes in every input");
        var shape = (long[])first.Shape.Clone();
        shape[axis] = data.Sum(t => t.Shape[axis]);
        int kerasAxis = specIndex == first.SpecAxes.Length - 1 ? -1 : specIndex + 1;
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Concatenate, Axis = kerasAxis }, data, 0);
        SetOutput(node, new OnnxTensor { Shape = shape, BatchAxis = first.BatchAxis, SpecAxes = first.SpecAxes, Layer = name });
    }

    private void MapDropout(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        double rate = inputs.Length > 1 && inputs[1] is not null ? Values(node, inputs[1]!, "ratio")[0] : OnnxAttributes.Float(node, "ratio", 0.5f);
        if (!(rate >= 0 && rate < 1)) throw Unsupported(node, $"a dropout ratio of {rate}");
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Dropout, Rate = Math.Round(rate, 6) }, [x], 0);
        SetOutput(node, Relabel(x, name));
    }

    /// <summary>A transpose that only changes the view (NHWC → NCHW, batch-first → time-first) becomes no layer; one that reorders the data's axes is a Permute.</summary>
    private void MapTranspose(NodeProto node, OnnxTensor x)
    {
        var perm = OnnxAttributes.Ints(node, "perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(d => (long)d).ToArray();
        if (perm.Length != x.Rank) throw Unsupported(node, $"perm [{string.Join(", ", perm)}] for a rank-{x.Rank} input");
        var position = new int[x.Rank]; // old axis → new axis
        for (int d = 0; d < perm.Length; d++) position[perm[d]] = d;
        var t = new OnnxTensor
        {
            Shape = perm.Select(p => x.Shape[p]).ToArray(), BatchAxis = position[x.BatchAxis],
            SpecAxes = x.SpecAxes.Select(a => position[a]).ToArray(), Layer = x.Layer,
        };
        // A channels-first view is one only when convolutions or pooling read it; otherwise [N, L, C] → [N, C, L] is data.
        bool view = t.IsNatural || IsSequenceFirst(t) || (t.IsChannelsFirst && FeedsImageOps(node.Output[0], _g.Nodes));
        if (view)
        {
            SetOutput(node, t);
            return;
        }
        // A reorder of the data's own axes (attention's heads split off the sequence): a Keras Permute layer.
        if (!x.IsPlain || perm[0] != 0)
            throw Unsupported(node, $"perm [{string.Join(", ", perm)}] on [{string.Join(", ", x.Shape)}] (only reorders after a batch-first layout map onto Permute)");
        var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Permute, Dims = perm.Skip(1).Select(p => (int)p).ToArray() }, [x], 0);
        SetOutput(node, OnnxTensor.Plain(perm.Select(p => x.Shape[p]).ToArray(), name));
    }

    /// <summary>ONNX recurrent layout: [T, N, F] with the batch second.</summary>
    private static bool IsSequenceFirst(OnnxTensor t) =>
        t.Rank == 3 && t.BatchAxis == 1 && t.SpecAxes.AsSpan().SequenceEqual([0, 2]);

    private void MapSqueeze(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        var axes = OnnxAttributes.Ints(node, "axes") ?? (inputs.Length > 1 && inputs[1] is not null ? Values(node, inputs[1]!, "axes").Select(v => (long)v).ToArray() : null);
        bool squeeze = node.OpType == "Squeeze";
        if (squeeze)
        {
            var drop = (axes ?? Enumerable.Range(0, x.Rank).Where(d => x.Shape[d] == 1).Select(d => (long)d).ToArray())
                .Select(a => (int)(a < 0 ? a + x.Rank : a)).ToHashSet();
            if (drop.Contains(x.BatchAxis) || drop.Any(a => x.SpecAxes.Contains(a) && x.Shape[a] != 1) || drop.Any(a => a < 0 || a >= x.Rank || x.Shape[a] != 1))
                throw Unsupported(node, $"squeezing axes [{string.Join(", ", drop)}] of [{string.Join(", ", x.Shape)}]");
            if (drop.Any(a => x.SpecAxes.Contains(a)))
                throw Unsupported(node, "squeezing a size-1 axis of the spec shape (no Reshape layer in the spec)");
            int Map(int a) => a - drop.Count(d => d < a);
            SetOutput(node, new OnnxTensor
            {
                Shape = x.Shape.Where((_, i) => !drop.Contains(i)).ToArray(), BatchAxis = Map(x.BatchAxis),
                SpecAxes = x.SpecAxes.Select(Map).ToArray(), Layer = x.Layer,
            });
            return;
        }
        if (axes is null) throw Unsupported(node, "Unsqueeze without axes");
        int rank = x.Rank + axes.Length;
        var added = axes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
        var map = new int[x.Rank];
        for (int d = 0, k = 0; d < rank; d++) if (!added.Contains(d)) map[k++] = d;
        var shape = new long[rank];
        for (int d = 0, k = 0; d < rank; d++) shape[d] = added.Contains(d) ? 1 : x.Shape[k++];
        SetOutput(node, new OnnxTensor { Shape = shape, BatchAxis = map[x.BatchAxis], SpecAxes = x.SpecAxes.Select(a => map[a]).ToArray(), Layer = x.Layer });
    }

    /// <summary>Gather of one index along a size-1 axis outside the spec shape (h_n[-1] of a one-layer RNN) only drops the axis.</summary>
    private void MapGather(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        var idx = Need(node, inputs.Length > 1 ? inputs[1] : null);
        long axis = OnnxAttributes.Int(node, "axis", 0);
        if (axis < 0) axis += x.Rank;
        var values = idx.IsStatic ? idx.Values : null;
        bool select = values is [var i] && idx.Rank == 0 && axis != x.BatchAxis && !x.SpecAxes.Contains((int)axis)
            && x.Shape[axis] == 1 && (i == 0 || i == -1);
        if (!select && values is [var pos] && idx.Rank == 0 && x.IsPlain && x.Rank == 3 && axis == 1)
        {
            // One position of a sequence (BERT's x[:, 0]): Cropping1D keeps it, Flatten drops the length-1 axis.
            long length = x.Shape[1], p = (long)(pos < 0 ? pos + length : pos);
            if (p < 0 || p >= length) throw Unsupported(node, $"position {pos} of a sequence of {length}");
            var crop = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Cropping1D, Cropping = [(int)p, (int)(length - 1 - p)] }, [x], 0, "_crop");
            var cropped = OnnxTensor.Plain([x.Shape[0], 1, x.Shape[2]], crop);
            var flat = Emit(node, new LayerSpecBuilder { Type = LayerTypes.Flatten }, [cropped], 0);
            SetOutput(node, OnnxTensor.Plain([x.Shape[0], x.Shape[2]], flat));
            return;
        }
        if (!select) throw Unsupported(node, $"gathering along axis {axis} of [{string.Join(", ", x.Shape)}] (only one position of a sequence, a size-1 axis, or an embedding table maps onto layers)");
        int Map(int a) => a > axis ? a - 1 : a;
        SetOutput(node, new OnnxTensor
        {
            Shape = x.Shape.Where((_, d) => d != axis).ToArray(), BatchAxis = Map(x.BatchAxis),
            SpecAxes = x.SpecAxes.Select(Map).ToArray(), Layer = x.Layer,
        });
    }

    /// <summary>Gather of rows of a weight table by token ids computed from the input: an Embedding layer.</summary>
    private void MapEmbedding(NodeProto node, OnnxTensor table, OnnxTensor ids)
    {
        var w = Weight(node, table, "embedding table");
        if (w.Dims.Length != 2 || OnnxAttributes.Int(node, "axis", 0) != 0)
            throw Unsupported(node, $"gathering from a table of shape [{string.Join(", ", w.Dims)}] (an embedding is a 2-D table read along axis 0)");
        if (!ids.IsPlain) throw Unsupported(node, $"token ids [{string.Join(", ", ids.Shape)}] that are not batch-first");
        if (ids.Layer != ShapeInference.InputName) throw Unsupported(node, "token ids computed in the graph (only the model input can hold ids)");
        var layer = new LayerSpecBuilder { Type = LayerTypes.Embedding, InputDim = checked((int)w.Dims[0]), OutputDim = checked((int)w.Dims[1]) };
        var name = Emit(node, layer, [ids], w.Elements);
        SetOutput(node, OnnxTensor.Plain([.. ids.Shape, w.Dims[1]], name));
    }

    /// <summary>Adding a learned (positions, width) table to a sequence: KerasNLP's PositionEmbedding (table rows = positions).</summary>
    private bool TryMapPositionEmbedding(NodeProto node, OnnxTensor?[] inputs)
    {
        if (inputs.Length != 2) return false;
        var data = inputs.FirstOrDefault(t => t is { IsStatic: false });
        var table = inputs.FirstOrDefault(t => t is { IsStatic: true, Initializer: not null });
        if (data is null || table is null || !data.IsPlain || data.Rank != 3) return false;
        var dims = table.Initializer!.Dims.SkipWhile(d => d == 1).ToArray();
        if (dims.Length != 2 || dims[0] != data.Shape[1] || dims[1] != data.Shape[2]) return false;
        var layer = new LayerSpecBuilder { Type = LayerTypes.PositionEmbedding, SequenceLength = checked((int)dims[0]) };
        var name = Emit(node, layer, [data], table.Initializer.Elements);
        SetOutput(node, Relabel(data, name));
        return true;
    }

    /// <summary>ONNX LayerNormalization (opset 17) over the last axis: the Keras layer (γ and β of the width).</summary>
    private void MapLayerNorm(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        long axis = OnnxAttributes.Int(node, "axis", -1);
        if (axis < 0) axis += x.Rank;
        if (axis != x.Rank - 1 || !x.IsNatural || x.SpecAxes.Length == 0 || x.SpecAxes[^1] != axis)
            throw Unsupported(node, $"normalising from axis {axis} of [{string.Join(", ", x.Shape)}] (only the last axis maps onto LayerNormalization)");
        var scale = Weight(node, inputs.Length > 1 ? inputs[1] : null, "scale");
        var bias = inputs.Length > 2 && inputs[2] is not null ? Weight(node, inputs[2], "bias") : null;
        for (int o = 1; o < node.Output.Count; o++)
            if (node.Output[o].Length > 0 && _consumers.GetValueOrDefault(node.Output[o]) > 0)
                throw Unsupported(node, "its mean or inverse-deviation outputs are used");
        var layer = new LayerSpecBuilder { Type = LayerTypes.LayerNormalization, Epsilon = Shortest(OnnxAttributes.Float(node, "epsilon", 1e-5f)) };
        var name = Emit(node, layer, [x], scale.Elements + (bias?.Elements ?? 0));
        SetOutput(node, Relabel(x, name));
    }

    /// <summary>ReduceMean over the spatial axes of an image (keepdims or not) is global average pooling.</summary>
    private void MapReduceMean(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        var axes = OnnxAttributes.Ints(node, "axes") ?? (inputs.Length > 1 && inputs[1] is not null ? Values(node, inputs[1]!, "axes").Select(v => (long)v).ToArray() : null);
        if (axes is null) throw Unsupported(node, "a mean over every axis");
        var set = axes.Select(a => (int)(a < 0 ? a + x.Rank : a)).Order().ToArray();
        bool keep = OnnxAttributes.Int(node, "keepdims", 1) == 1;
        if (x.IsChannelsFirst && set.SequenceEqual(Enumerable.Range(2, x.Rank - 2)) && x.Rank is 3 or 4)
        {
            MapGlobalPool(node, x);
            if (!keep) SetOutput(node, OnnxTensor.Plain([x.Shape[0], x.Shape[1]], _layers[^1].Name!));
            return;
        }
        if (x.IsPlain && x.Rank == 3 && set.SequenceEqual([1]))
        {
            var name = Emit(node, new LayerSpecBuilder { Type = LayerTypes.GlobalAveragePooling1D }, [x], 0);
            SetOutput(node, keep ? new OnnxTensor { Shape = [x.Shape[0], 1, x.Shape[2]], BatchAxis = 0, SpecAxes = [2], Layer = name } : OnnxTensor.Plain([x.Shape[0], x.Shape[2]], name));
            return;
        }
        throw Unsupported(node, $"a mean over axes [{string.Join(", ", set)}] of [{string.Join(", ", x.Shape)}] (only global pooling maps onto a layer)");
    }

    /// <summary>A float attribute as the double it was written as (1e-5f becomes 1e-05, not 9.99999974e-06).</summary>
    private static double Shortest(float f) =>
        double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static OnnxTensor Relabel(OnnxTensor x, string layer) =>
        new() { Shape = x.Shape, BatchAxis = x.BatchAxis, SpecAxes = x.SpecAxes, Layer = layer };
}
