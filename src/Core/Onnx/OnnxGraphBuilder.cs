using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Builds the ONNX graph of a resolved model for <see cref="OnnxExporter"/>. Each tensor is tracked as
/// channels last (the spec's order, what Dense, Flatten and recurrent layers read) or channels first
/// (what ONNX Conv, pooling and BatchNormalization read); a Transpose is inserted only where a layer
/// needs the other order.
/// </summary>
internal sealed class OnnxGraphBuilder(ResolvedModel model, IReadOnlyDictionary<string, NamedTensor> weights)
{
    public GraphProto Graph { get; } = new() { Name = model.Name };

    private readonly Dictionary<string, Value> _outputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>A tensor in the graph: its name, whether it is channels first, and its spec rank (without batch).</summary>
    private readonly record struct Value(string Name, bool ChannelsFirst, int Rank);

    /// <summary>The layer types written: every type the managed engine runs.</summary>
    private static readonly HashSet<string> Written =
    [
        LayerTypes.Dense, LayerTypes.Conv1D, LayerTypes.Conv2D, LayerTypes.Conv3D, LayerTypes.DepthwiseConv2D, LayerTypes.SeparableConv2D,
        LayerTypes.MaxPooling1D, LayerTypes.MaxPooling2D, LayerTypes.MaxPooling3D, LayerTypes.AveragePooling1D, LayerTypes.AveragePooling2D,
        LayerTypes.AveragePooling3D, LayerTypes.GlobalAveragePooling1D, LayerTypes.GlobalAveragePooling2D, LayerTypes.GlobalMaxPooling2D,
        LayerTypes.Flatten, LayerTypes.Dropout, LayerTypes.Activation, LayerTypes.BatchNormalization, LayerTypes.Add,
        LayerTypes.Concatenate, LayerTypes.ZeroPadding2D, LayerTypes.SimpleRNN, LayerTypes.LSTM, LayerTypes.GRU,
        LayerTypes.Reshape, LayerTypes.Cropping1D, LayerTypes.Embedding, LayerTypes.PositionEmbedding, LayerTypes.LayerNormalization,
        LayerTypes.MultiHeadAttention, LayerTypes.TransformerEncoder, LayerTypes.TransformerDecoder,
    ];

    /// <summary>True when the export writes layers of <paramref name="type"/> (an engine that runs the export asks per layer).</summary>
    public static bool Writes(string type) => Written.Contains(type);

    /// <summary>Fails naming every layer whose type has no export, before any weight is touched.</summary>
    public static void CheckSupported(ResolvedModel model)
    {
        var missing = model.Layers.Where(l => !Written.Contains(l.Type)).ToList();
        if (missing.Count == 0) return;
        var l = missing[0];
        throw new ModelCostException(ErrorIds.OnnxExportUnsupported, ModelCostErrorCategory.NotImplemented,
            $"Model '{model.Name}': {missing.Count} layer(s) of a type the ONNX export does not write yet: {string.Join(", ", missing.Take(5).Select(m => $"'{m.Name}' ({m.Type})"))}{(missing.Count > 5 ? ", ..." : "")}. " +
            $"Written: {string.Join(", ", Written)}.", l.Name)
        { LayerIndex = l.Index, LayerName = l.Name };
    }

    public void Run()
    {
        Graph.Input.Add(Info("input", model.InputShape));
        var input = new Value("input", false, model.InputShape.Length);
        foreach (var l in model.Layers)
        {
            var ins = l.InputIndices.Select(i => i < 0 ? input : _outputs[model.Layers[i].Name]).ToArray();
            _outputs[l.Name] = Layer(l, ins);
        }
        var last = ToLast(_outputs[model.Layers[^1].Name], "output");
        Node("Identity", "output", [last.Name], "output");
        Graph.Output.Add(Info("output", model.OutputShape));
    }

    private Value Layer(ResolvedLayer l, Value[] ins)
    {
        var x = ins[0];
        switch (l.Type)
        {
            case LayerTypes.Dense:
            {
                var cl = ToLast(x, l.Name);
                var kernel = W(l, "kernel");
                string y;
                if (l.InputShape.Length == 1)
                {
                    var inputs = new List<string> { cl.Name, Init(l.Name + ".kernel", kernel.Shape, kernel.Data) };
                    if (l.UseBias) inputs.Add(Init(l.Name + ".bias", W(l, "bias")));
                    y = Node("Gemm", l.Name, inputs, Out(l.Name, l.Activation));
                }
                else
                {
                    y = Node("MatMul", l.Name, [cl.Name, Init(l.Name + ".kernel", kernel.Shape, kernel.Data)], l.UseBias ? l.Name + "/matmul" : Out(l.Name, l.Activation));
                    if (l.UseBias) y = Node("Add", l.Name + "/bias", [y, Init(l.Name + ".bias", W(l, "bias"))], Out(l.Name, l.Activation));
                }
                return Activate(l, new Value(y, false, l.OutputShape.Length));
            }
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D:
            {
                var cf = ToFirst(x, l.Name);
                var k = W(l, "kernel"); // (k..., cin, cout) → (cout, cin, k...)
                int r = l.KernelSize.Length;
                var data = OnnxExporter.Permute(k.Data, k.Shape, [r + 1, r, .. Enumerable.Range(0, r)], out var shape);
                var inputs = new List<string> { cf.Name, Init(l.Name + ".kernel", shape, data) };
                if (l.UseBias) inputs.Add(Init(l.Name + ".bias", W(l, "bias")));
                var y = Node("Conv", l.Name, inputs, Out(l.Name, l.Activation), Window(l, l.KernelSize));
                return Activate(l, new Value(y, true, l.OutputShape.Length));
            }
            case LayerTypes.DepthwiseConv2D or LayerTypes.SeparableConv2D:
            {
                var cf = ToFirst(x, l.Name);
                int cin = l.InputShape[^1], dm = l.DepthMultiplier;
                var dk = W(l, "depthwise_kernel"); // (kh, kw, cin, dm) → (cin·dm, 1, kh, kw): output channel c·dm + m
                var data = OnnxExporter.Permute(dk.Data, dk.Shape, [2, 3, 0, 1], out _);
                bool separable = l.Type == LayerTypes.SeparableConv2D;
                var inputs = new List<string> { cf.Name, Init(l.Name + ".depthwise_kernel", [cin * dm, 1, .. l.KernelSize], data) };
                if (l.UseBias && !separable) inputs.Add(Init(l.Name + ".bias", W(l, "bias")));
                var attrs = Window(l, l.KernelSize);
                attrs.Add(Int("group", cin));
                var y = Node("Conv", separable ? l.Name + "/depthwise" : l.Name, inputs, separable ? l.Name + "/depthwise" : Out(l.Name, l.Activation), attrs);
                if (separable)
                {
                    var pk = W(l, "pointwise_kernel"); // (1, 1, cin·dm, cout) → (cout, cin·dm, 1, 1)
                    var pdata = OnnxExporter.Permute(pk.Data, pk.Shape, [3, 2, 0, 1], out var pshape);
                    var pin = new List<string> { y, Init(l.Name + ".pointwise_kernel", pshape, pdata) };
                    if (l.UseBias) pin.Add(Init(l.Name + ".bias", W(l, "bias")));
                    y = Node("Conv", l.Name, pin, Out(l.Name, l.Activation));
                }
                return Activate(l, new Value(y, true, l.OutputShape.Length));
            }
            case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
                or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D:
            {
                var cf = ToFirst(x, l.Name);
                bool max = l.Type.StartsWith("Max", StringComparison.Ordinal);
                var attrs = Window(l, l.PoolSize);
                attrs.Add(Ints("kernel_shape", l.PoolSize));
                var y = Node(max ? "MaxPool" : "AveragePool", l.Name, [cf.Name], l.Name, attrs);
                return new Value(y, true, l.OutputShape.Length);
            }
            case LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D or LayerTypes.GlobalMaxPooling2D:
            {
                var cf = ToFirst(x, l.Name);
                var pooled = Node(l.Type == LayerTypes.GlobalMaxPooling2D ? "GlobalMaxPool" : "GlobalAveragePool", l.Name, [cf.Name], l.Name + "/pooled");
                var y = Node("Flatten", l.Name + "/flatten", [pooled], l.Name, [Int("axis", 1)]);
                return new Value(y, false, 1);
            }
            case LayerTypes.Flatten:
            {
                var cl = ToLast(x, l.Name);
                return new Value(Node("Flatten", l.Name, [cl.Name], l.Name, [Int("axis", 1)]), false, 1);
            }
            case LayerTypes.Dropout:
                return x with { Name = Node("Identity", l.Name, [x.Name], l.Name) };
            case LayerTypes.Activation:
                return Activate(l, x, l.Name);
            case LayerTypes.BatchNormalization:
            {
                var cf = ToFirst(x, l.Name);
                var inputs = new[] { "gamma", "beta", "moving_mean", "moving_variance" }.Select(p => Init($"{l.Name}.{p}", W(l, p))).Prepend(cf.Name).ToList();
                var y = Node("BatchNormalization", l.Name, inputs, l.Name, [Float("epsilon", (float)l.Epsilon), Float("momentum", (float)l.Momentum)]);
                return new Value(y, cf.ChannelsFirst, cf.Rank);
            }
            case LayerTypes.Add:
            {
                var names = ins.Select(v => (x.ChannelsFirst ? ToFirst(v, l.Name) : ToLast(v, l.Name)).Name).ToList();
                var y = Node(names.Count == 2 ? "Add" : "Sum", l.Name, names, l.Name);
                return x with { Name = y };
            }
            case LayerTypes.Concatenate:
            {
                var names = ins.Select(v => ToLast(v, l.Name).Name).ToList();
                return new Value(Node("Concat", l.Name, names, l.Name, [Int("axis", l.Axis + 1)]), false, l.OutputShape.Length);
            }
            case LayerTypes.ZeroPadding2D:
            {
                var cf = ToFirst(x, l.Name);
                var padName = Init(l.Name + ".pads", [0, 0, l.PadBefore[0], l.PadBefore[1], 0, 0, l.PadAfter[0], l.PadAfter[1]]);
                return new Value(Node("Pad", l.Name, [cf.Name, padName], l.Name), true, 3);
            }
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                return Recurrent(l, x);
            case LayerTypes.Reshape:
            {
                // Row-major reshape of the channels-last tensor (what our engine copies); 0 keeps the batch.
                var cl = ToLast(x, l.Name);
                var shape = Init(l.Name + ".shape", [0, .. l.OutputShape.Select(d => (long)d)]);
                return new Value(Node("Reshape", l.Name, [cl.Name, shape], l.Name), false, l.OutputShape.Length);
            }
            case LayerTypes.Cropping1D:
            {
                var cl = ToLast(x, l.Name);
                int length = l.InputShape[0];
                var y = Node("Slice", l.Name, [cl.Name, Init(l.Name + ".starts", [l.CropStart]), Init(l.Name + ".ends", [length - l.CropEnd]),
                    Init(l.Name + ".axes", [1])], l.Name);
                return new Value(y, false, 2);
            }
            case LayerTypes.Embedding:
                return Embedding(l, ToLast(x, l.Name));
            case LayerTypes.PositionEmbedding:
            {
                // The first L rows of the table, the same for every sample: Expand (1, L, W) to (N, L, W).
                int length = l.OutputShape[0], width = l.OutputShape[1];
                var table = W(l, "embeddings");
                var rows = Init(l.Name + ".embeddings", [1, length, width], table.Data.AsSpan(0, length * width).ToArray());
                return new Value(Node("Expand", l.Name, [rows, BatchShape(l, ToLast(x, l.Name), [length, width])], l.Name), false, 2);
            }
            case LayerTypes.LayerNormalization:
                return new Value(LayerNorm(l, ToLast(x, l.Name).Name, "", l.Epsilon, l.Name), false, l.OutputShape.Length);
            case LayerTypes.MultiHeadAttention:
            {
                var q = ToLast(ins[0], l.Name).Name;
                var v = ins.Length > 1 ? ToLast(ins[1], l.Name).Name : q;
                var k = ins.Length > 2 ? ToLast(ins[2], l.Name).Name : v;
                int lk = (ins.Length > 1 ? l.InputShapes[1] : l.InputShapes[0])[0];
                return new Value(Attention(l, "", q, k, v, l.InputShapes[0][0], lk, l.UseBias, l.Name), false, 2);
            }
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
                return TransformerBlock(l, ToLast(x, l.Name).Name);
            default:
                throw Unsupported(l, $"layer type {l.Type} has no ONNX export");
        }
    }

    // ---- Recurrent layers ------------------------------------------------------------------------

    /// <summary>
    /// ONNX RNN/GRU/LSTM over [T, N, F]: Keras kernels (F, g·H) and (H, g·H) become W [1, g·H, F] and R [1, g·H, H];
    /// LSTM gates reorder from Keras i, f, c, o to ONNX i, o, f, c; Keras' single bias is ONNX's input bias with a zero
    /// recurrent bias, except GRU reset_after whose (2, 3H) bias is ONNX's [Wb, Rb] under linear_before_reset = 1.
    /// </summary>
    private Value Recurrent(ResolvedLayer l, Value x)
    {
        if (l.RecurrentBias && l.UseBias) throw Unsupported(l, "recurrent_bias has no weights in the trained model's layout");
        var seq = Node("Transpose", l.Name + "/time_major", [ToLast(x, l.Name).Name], l.Name + "/time_major", [Ints("perm", [1, 0, 2])]);
        int h = l.Units, f = l.InputShape[1];
        int gates = l.Type switch { LayerTypes.LSTM => 4, LayerTypes.GRU => 3, _ => 1 };
        int[] order = l.Type == LayerTypes.LSTM ? [0, 3, 1, 2] : Enumerable.Range(0, gates).ToArray();
        float[] Gates(NamedTensor t, int rows)
        {
            // Keras (rows, g·H) → ONNX (g·H, rows) with gate blocks in ONNX order.
            var tr = OnnxExporter.Permute(t.Data, [rows, gates * h], [1, 0], out _);
            var o = new float[tr.Length];
            for (int g = 0; g < gates; g++) Array.Copy(tr, order[g] * h * rows, o, g * h * rows, h * rows);
            return o;
        }
        var inputs = new List<string>
        {
            seq,
            Init(l.Name + ".kernel", [1, gates * h, f], Gates(W(l, "kernel"), f)),
            Init(l.Name + ".recurrent_kernel", [1, gates * h, h], Gates(W(l, "recurrent_kernel"), h)),
        };
        var attrs = new List<AttributeProto> { Int("hidden_size", h) };
        if (l.UseBias)
        {
            var bias = W(l, "bias");
            var b = new float[2 * gates * h];
            if (l.Type == LayerTypes.GRU && l.ResetAfter) Array.Copy(bias.Data, b, 2 * gates * h);
            else for (int g = 0; g < gates; g++) Array.Copy(bias.Data, order[g] * h, b, g * h, h);
            inputs.Add(Init(l.Name + ".bias", [1, 2 * gates * h], b));
        }
        if (l.Type == LayerTypes.GRU) attrs.Add(Int("linear_before_reset", l.ResetAfter ? 1 : 0));
        string Act(string a) => a switch
        {
            Activations.Sigmoid => "Sigmoid", Activations.Tanh => "Tanh", Activations.Relu => "Relu", Activations.Softsign => "Softsign",
            Activations.Softplus => "Softplus", Activations.Elu => "Elu",
            Activations.Linear => "Affine", // alpha·x + beta with alpha 1, beta 0
            _ => throw Unsupported(l, $"activation '{a}' inside a recurrent cell has no ONNX equivalent"),
        };
        string[] acts = l.Type switch
        {
            LayerTypes.LSTM => [Act(l.RecurrentActivation), Act(l.Activation), Act(l.Activation)],
            LayerTypes.GRU => [Act(l.RecurrentActivation), Act(l.Activation)],
            _ => [Act(l.Activation)],
        };
        var strings = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
        foreach (var a in acts) strings.Strings.Add(Google.Protobuf.ByteString.CopyFromUtf8(a));
        attrs.Add(strings);
        // Affine and Elu take their alpha (and Affine its beta) from these lists, in activation order.
        if (acts.Any(a => a is "Affine" or "Elu"))
        {
            var alpha = new AttributeProto { Name = "activation_alpha", Type = AttributeProto.Types.AttributeType.Floats };
            var beta = new AttributeProto { Name = "activation_beta", Type = AttributeProto.Types.AttributeType.Floats };
            foreach (var a in acts)
            {
                if (a is "Affine" or "Elu") alpha.Floats.Add(1f);
                if (a == "Affine") beta.Floats.Add(0f);
            }
            attrs.Add(alpha);
            if (beta.Floats.Count > 0) attrs.Add(beta);
        }

        string opType = l.Type switch { LayerTypes.LSTM => "LSTM", LayerTypes.GRU => "GRU", _ => "RNN" };
        var node = new NodeProto { Name = Unique(l.Name), OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(l.Name + "/Y");
        node.Output.Add(l.Name + "/Y_h");
        node.Attribute.AddRange(attrs);
        Graph.Node.Add(node);
        if (l.ReturnSequences)
        {
            var squeezed = Node("Squeeze", l.Name + "/squeeze", [l.Name + "/Y", Init(l.Name + ".squeeze_axes", [1])], l.Name + "/Y_squeezed");
            return new Value(Node("Transpose", l.Name + "/batch_major", [squeezed], l.Name, [Ints("perm", [1, 0, 2])]), false, 2);
        }
        return new Value(Node("Squeeze", l.Name + "/squeeze", [l.Name + "/Y_h", Init(l.Name + ".squeeze_axes", [0])], l.Name), false, 1);
    }

    // ---- Transformer layers ------------------------------------------------------------------------

    /// <summary>
    /// Token ids arrive as floats (the graph input is float, like every model's); our engine truncates them to int,
    /// so does Cast. With constant_id every position reads that one row: Expand it over (N, L, W).
    /// </summary>
    private Value Embedding(ResolvedLayer l, Value x)
    {
        var table = W(l, "embeddings");
        int width = l.OutputDim;
        if (l.ConstantId >= 0)
        {
            var row = Init(l.Name + ".embeddings", [.. Enumerable.Repeat(1, l.OutputShape.Length), width],
                table.Data.AsSpan(l.ConstantId * width, width).ToArray());
            return new Value(Node("Expand", l.Name, [row, BatchShape(l, x, l.OutputShape)], l.Name), false, l.OutputShape.Length);
        }
        var ids = Node("Cast", l.Name + "/ids", [x.Name], l.Name + "/ids", [Int("to", (long)TensorProto.Types.DataType.Int64)]);
        var y = Node("Gather", l.Name, [Init(l.Name + ".embeddings", table), ids], l.Name, [Int("axis", 0)]);
        return new Value(y, false, l.OutputShape.Length);
    }

    /// <summary>The shape (N, dims...) with N read from <paramref name="x"/> at run time (the batch is free).</summary>
    private string BatchShape(ResolvedLayer l, Value x, int[] dims)
    {
        var batch = Node("Shape", l.Name + "/batch", [x.Name], l.Name + "/batch", [Int("start", 0), Int("end", 1)]);
        return Node("Concat", l.Name + "/shape", [batch, Init(l.Name + ".dims", dims.Select(d => (long)d).ToArray())], l.Name + "/shape", [Int("axis", 0)]);
    }

    /// <summary>ONNX LayerNormalization over the last axis with the weights <c>prefix</c>gamma/beta (biased variance, as Keras).</summary>
    private string LayerNorm(ResolvedLayer l, string x, string prefix, double epsilon, string output)
    {
        var gamma = Init($"{l.Name}.{prefix}gamma", W(l, prefix + "gamma"));
        var beta = Init($"{l.Name}.{prefix}beta", W(l, prefix + "beta"));
        return Node("LayerNormalization", output == l.Name ? l.Name : l.Name + "/" + prefix.TrimEnd('/'), [x, gamma, beta], output,
            [Int("axis", -1), Float("epsilon", (float)epsilon)]);
    }

    /// <summary>x·W + b over the last axis, W the (in, out) kernel stored under <paramref name="param"/> (any leading shape folded).</summary>
    private string SequenceDense(ResolvedLayer l, string x, string param, bool bias, string output)
    {
        var k = W(l, param + "/kernel");
        int outDim = param.EndsWith("attention_output", StringComparison.Ordinal) ? k.Shape[^1] : k.Shape.Skip(1).Aggregate(1, (a, b) => a * b);
        int inDim = k.Data.Length / outDim;
        var y = Node("MatMul", $"{l.Name}/{param}", [x, Init($"{l.Name}.{param}/kernel", [inDim, outDim], k.Data)], bias ? $"{l.Name}/{param}/matmul" : output);
        if (!bias) return y;
        var b = W(l, param + "/bias");
        return Node("Add", $"{l.Name}/{param}/bias", [y, Init($"{l.Name}.{param}/bias", [outDim], b.Data)], output);
    }

    /// <summary>
    /// Keras MultiHeadAttention as our AttentionCore computes it: Q = (x_q·W_q + b_q)/√key_dim, K, V projected the
    /// same way; per head S = Q_h·K_hᵀ, the causal mask sets the keys after the query's position to −∞, P = softmax(S),
    /// C_h = P·V_h, out = C·W_o + b_o. Heads split by Reshape (N, L, H, d) and Transpose to (N, H, L, d).
    /// </summary>
    private string Attention(ResolvedLayer l, string prefix, string xq, string xk, string xv, int lq, int lk, bool bias, string output)
    {
        int heads = l.NumHeads, kd = l.KeyDim, vd = l.ValueDim;
        string n = l.Name + "/" + prefix;
        string Heads(string t, int length, int d, string name, int[] perm) =>
            Node("Transpose", n + name + "/heads", [Node("Reshape", n + name + "/split", [t, Init(n + name + ".split_shape", [0, length, heads, d])], n + name + "/split")],
                n + name + "/heads", [Ints("perm", perm)]);
        var q = SequenceDense(l, xq, prefix + "query", bias, n + "query");
        q = Node("Mul", n + "query/scale", [q, Scalar(n + "query.scale", (float)(1.0 / Math.Sqrt(kd)))], n + "query/scaled");
        var k = SequenceDense(l, xk, prefix + "key", bias, n + "key");
        var v = SequenceDense(l, xv, prefix + "value", bias, n + "value");
        var scores = Node("MatMul", n + "scores", [Heads(q, lq, kd, "query", [0, 2, 1, 3]), Heads(k, lk, kd, "key", [0, 2, 3, 1])], n + "scores");
        if (l.UseCausalMask)
        {
            var mask = new float[lq * lk];
            for (int r = 0; r < lq; r++)
                for (int j = Math.Min(r, lk - 1) + 1; j < lk; j++) mask[r * lk + j] = float.NegativeInfinity;
            scores = Node("Add", n + "causal_mask", [scores, Init(n + "causal_mask", [lq, lk], mask)], n + "masked_scores");
        }
        var probs = Node("Softmax", n + "softmax", [scores], n + "probabilities", [Int("axis", -1)]);
        var context = Node("MatMul", n + "context", [probs, Heads(v, lk, vd, "value", [0, 2, 1, 3])], n + "context");
        context = Node("Transpose", n + "context/merge", [context], n + "context/merged", [Ints("perm", [0, 2, 1, 3])]);
        context = Node("Reshape", n + "context/flat", [context, Init(n + "context.shape", [0, lq, heads * vd])], n + "context/flat");
        return SequenceDense(l, context, prefix + "attention_output", bias, output);
    }

    /// <summary>
    /// KerasNLP TransformerEncoder/Decoder at inference (dropout is the identity), as TransformerBlockLayer computes:
    /// pre-LN s1 = x + attn(LN1(x)), out = s1 + ffn(LN2(s1)); post-LN s1 = x + attn(x), a = LN1(s1), out = LN2(a + ffn(a)).
    /// </summary>
    private Value TransformerBlock(ResolvedLayer l, string x)
    {
        int length = l.InputShape[0];
        string n = l.Name + "/";
        string Ffn(string z)
        {
            var h = SequenceDense(l, z, "feedforward_intermediate_dense", true, n + "ffn/hidden");
            var act = Activate(l, new Value(h, false, 2), n + "ffn/" + l.Activation, n + "ffn/activated").Name;
            return SequenceDense(l, act, "feedforward_output_dense", true, n + "ffn/output");
        }
        string y;
        if (l.NormalizeFirst)
        {
            var a = LayerNorm(l, x, "self_attention_layer_norm/", l.Epsilon, n + "ln1");
            var s1 = Node("Add", n + "residual1", [x, Attention(l, "self_attention/", a, a, a, length, length, true, n + "attention")], n + "residual1");
            var b = LayerNorm(l, s1, "feedforward_layer_norm/", l.Epsilon, n + "ln2");
            y = Node("Add", l.Name, [s1, Ffn(b)], l.Name);
        }
        else
        {
            var s1 = Node("Add", n + "residual1", [x, Attention(l, "self_attention/", x, x, x, length, length, true, n + "attention")], n + "residual1");
            var a = LayerNorm(l, s1, "self_attention_layer_norm/", l.Epsilon, n + "ln1");
            var s2 = Node("Add", n + "residual2", [a, Ffn(a)], n + "residual2");
            y = LayerNorm(l, s2, "feedforward_layer_norm/", l.Epsilon, l.Name);
        }
        return new Value(y, false, 2);
    }

    // ---- Activations ---------------------------------------------------------------------------

    private static string Out(string layer, string activation) => activation == Activations.Linear ? layer : layer + "/linear";

    /// <summary>Applies a layer's activation to <paramref name="x"/>; the result is named after the layer.</summary>
    private Value Activate(ResolvedLayer l, Value x, string? nodeName = null, string? output = null)
    {
        if (l.Activation == Activations.Linear) return x;
        string name = nodeName ?? l.Name + "/" + l.Activation;
        string outName = output ?? l.Name;
        string y = l.Activation switch
        {
            Activations.Relu => Node("Relu", name, [x.Name], outName),
            Activations.Sigmoid => Node("Sigmoid", name, [x.Name], outName),
            Activations.Tanh => Node("Tanh", name, [x.Name], outName),
            Activations.Softmax => Node("Softmax", name, [x.Name], outName, [Int("axis", x.ChannelsFirst && x.Rank > 1 ? 1 : -1)]),
            Activations.Elu => Node("Elu", name, [x.Name], outName, [Float("alpha", 1f)]),
            Activations.Selu => Node("Selu", name, [x.Name], outName, [Float("alpha", 1.6732632423543772f), Float("gamma", 1.0507009873554805f)]),
            Activations.Softplus => Node("Softplus", name, [x.Name], outName),
            Activations.Softsign => Node("Softsign", name, [x.Name], outName),
            Activations.Exponential => Node("Exp", name, [x.Name], outName),
            // Keras 3 hard_sigmoid: relu6(x + 3) / 6.
            Activations.HardSigmoid => Node("HardSigmoid", name, [x.Name], outName, [Float("alpha", 1f / 6), Float("beta", 0.5f)]),
            Activations.Relu6 => Node("Clip", name, [x.Name, Scalar(outName + ".min", 0), Scalar(outName + ".max", 6)], outName),
            Activations.LeakyRelu => Node("LeakyRelu", name, [x.Name], outName, [Float("alpha", (float)l.NegativeSlope)]), // 0.2, or a LeakyReLU layer's own slope
            Activations.Swish or Activations.Silu => Node("Mul", name, [x.Name, Node("Sigmoid", name + "/sigmoid", [x.Name], outName + "/sigmoid")], outName),
            // Exact GELU before opset 20: x · 0.5 · (1 + erf(x / √2)).
            Activations.Gelu => Node("Mul", name, [Node("Mul", name + "/x", [x.Name,
                Node("Add", name + "/plus1", [Node("Erf", name + "/erf", [Node("Div", name + "/scale", [x.Name, Scalar(outName + ".sqrt2", MathF.Sqrt(2))], outName + "/scaled")], outName + "/erf"),
                    Scalar(outName + ".one", 1)], outName + "/plus1")], outName + "/xplus"), Scalar(outName + ".half", 0.5f)], outName),
            _ => throw Unsupported(l, $"activation '{l.Activation}' has no ONNX export"),
        };
        return x with { Name = y };
    }

    // ---- Layout ---------------------------------------------------------------------------------

    private Value ToFirst(Value v, string layer)
    {
        if (v.ChannelsFirst || v.Rank <= 1) return v with { ChannelsFirst = v.Rank > 1 };
        int r = v.Rank;
        var y = Node("Transpose", layer + "/to_channels_first", [v.Name], layer + "/channels_first", [Ints("perm", [0, r, .. Enumerable.Range(1, r - 1)])]);
        return new Value(y, true, r);
    }

    private Value ToLast(Value v, string layer)
    {
        if (!v.ChannelsFirst || v.Rank <= 1) return v with { ChannelsFirst = false };
        int r = v.Rank;
        var y = Node("Transpose", layer + "/to_channels_last", [v.Name], layer + "/channels_last", [Ints("perm", [0, .. Enumerable.Range(2, r - 1), 1])]);
        return new Value(y, false, r);
    }

    /// <summary>Strides and pads of a window (TF 'same' puts the odd extra pixel after).</summary>
    private static List<AttributeProto> Window(ResolvedLayer l, int[] window)
    {
        var attrs = new List<AttributeProto> { Ints("strides", l.Strides) };
        if (l.Padding == "same") attrs.Add(Ints("pads", [.. l.PadBefore, .. l.PadAfter]));
        return attrs;
    }

    // ---- Graph primitives ------------------------------------------------------------------------

    private NamedTensor W(ResolvedLayer l, string param) => weights[l.Name + "." + param];

    private string Init(string name, NamedTensor t) => Init(name, t.Shape, t.Data);

    private string Init(string name, int[] shape, float[] data)
    {
        Graph.Initializer.Add(OnnxExporter.Tensor(name, shape, data));
        return name;
    }

    private string Init(string name, long[] values)
    {
        Graph.Initializer.Add(OnnxExporter.Int64Tensor(name, values));
        return name;
    }

    private string Scalar(string name, float value)
    {
        Graph.Initializer.Add(OnnxExporter.Tensor(name, [], [value]));
        return name;
    }

    private string Node(string opType, string name, IEnumerable<string> inputs, string output, IEnumerable<AttributeProto>? attrs = null)
    {
        var n = new NodeProto { Name = Unique(name), OpType = opType };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        if (attrs is not null) n.Attribute.AddRange(attrs);
        Graph.Node.Add(n);
        return output;
    }

    private string Unique(string name)
    {
        var n = name;
        for (int k = 1; !_names.Add(n); k++) n = name + "_" + OnnxExporter.I(k);
        return n;
    }

    private static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    private static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };

    private static AttributeProto Ints(string name, IEnumerable<int> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v.Select(x => (long)x));
        return a;
    }

    private static ValueInfoProto Info(string name, int[] shape)
    {
        var s = new TensorShapeProto();
        s.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in shape) s.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = s } },
        };
    }

    private static ModelCostException Unsupported(ResolvedLayer l, string message) =>
        new(ErrorIds.OnnxExportUnsupported, ModelCostErrorCategory.NotImplemented, $"Layer {l.Index} '{l.Name}' ({l.Type}): {message}.", l.Name)
        { LayerIndex = l.Index, LayerName = l.Name };
}
