using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Resolves a <see cref="ModelSpec"/>: applies Keras defaults, infers every layer's output shape
/// exactly as Keras does (channels last, TF "valid"/"same" arithmetic) and counts parameters.
/// All validation of a spec's structure happens here, so every entry point (strings, hashtables,
/// YAML, Keras JSON) reports the same errors.
/// </summary>
public static class ShapeInference
{
    /// <summary>The name a layer uses in <c>Inputs</c> to mean the model input.</summary>
    public const string InputName = "input";

    /// <summary>Keras 3's negative_slope of the leaky_relu activation (the LeakyReLU layer's default, 0.3, is written into the spec).</summary>
    public const double LeakyReluDefaultSlope = 0.2;

    /// <summary>Resolves shapes and parameter counts; throws <see cref="ModelCostException"/> naming the layer on bad specs.</summary>
    public static ResolvedModel Resolve(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ValidateInputShape(spec);
        if (spec.Layers is null || spec.Layers.Count == 0)
            throw new ModelCostException(ErrorIds.EmptyModel, ModelCostErrorCategory.InvalidArgument,
                $"Model '{spec.Name}' has no layers.", spec.Name);

        var names = AssignNames(spec.Layers);
        var resolved = new List<ResolvedLayer>(spec.Layers.Count);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i] ?? throw new ModelCostException(ErrorIds.InvalidLayerOption,
                ModelCostErrorCategory.InvalidArgument, $"Layer {i} is null.", i) { LayerIndex = i };
            var ctx = new Ctx(i, names[i], layer);
            if (!LayerTypes.TryCanonicalize(layer.Type, out var type))
                throw ctx.Error(ErrorIds.UnknownLayerType, "type",
                    $"unknown layer type '{layer.Type}'. Known types: {string.Join(", ", LayerTypes.All)}.");
            ctx = ctx with { Type = type };

            var inputNames = layer.Inputs is { Length: > 0 } given ? given : [i == 0 ? InputName : names[i - 1]];
            var inputIdx = new int[inputNames.Length];
            var inputShapes = new int[inputNames.Length][];
            for (int k = 0; k < inputNames.Length; k++)
            {
                var n = inputNames[k];
                if (n == InputName) { inputIdx[k] = -1; inputShapes[k] = spec.InputShape; continue; }
                if (!byName.TryGetValue(n ?? "", out var j))
                {
                    bool later = names.Skip(i).Contains(n);
                    throw ctx.Error(ErrorIds.DanglingLayerInput, "inputs", later
                        ? $"input '{n}' is defined at or after this layer; inputs must refer to earlier layers (the graph would have a cycle)."
                        : $"input '{n}' is not the name of any layer defined before it (nor '{InputName}').");
                }
                inputIdx[k] = j;
                inputShapes[k] = resolved[j].OutputShape;
            }

            bool merge = type is LayerTypes.Add or LayerTypes.Concatenate;
            if (merge && inputShapes.Length < 2)
                throw ctx.Error(ErrorIds.InvalidLayerOption, "inputs", $"{type} needs at least two inputs; name them with 'inputs'.");
            if (type == LayerTypes.MultiHeadAttention)
            {
                if (inputShapes.Length > 3)
                    throw ctx.Error(ErrorIds.InvalidLayerOption, "inputs", $"MultiHeadAttention takes one input (self-attention) or [query, value] / [query, value, key] (cross-attention), not {inputShapes.Length}.");
            }
            else if (type == LayerTypes.MatMul)
            {
                if (inputShapes.Length != 2)
                    throw ctx.Error(ErrorIds.InvalidLayerOption, "inputs", $"MatMul multiplies exactly two inputs (name them with 'inputs'), not {inputShapes.Length}.");
            }
            else if (!merge && inputShapes.Length != 1)
                throw ctx.Error(ErrorIds.InvalidLayerOption, "inputs", $"{type} takes exactly one input, not {inputShapes.Length}.");
            if (InputDtypes.IsInteger(spec) && type != LayerTypes.Embedding && inputIdx.Contains(-1))
                throw ctx.Error(ErrorIds.IncompatibleInputType, "inputs",
                    $"its input is the model input of integer token ids (inputDtype int32, shape {ShapeText.FormatWithBatch(spec.InputShape)}); only an Embedding layer reads token ids. Put Embedding(input_dim, output_dim) first.");

            var r = ResolveOne(ctx, inputNames, inputIdx, inputShapes);
            resolved.Add(r);
            byName[r.Name] = i;
        }
        return new ResolvedModel { Spec = spec, Layers = resolved };
    }

    /// <summary>Product of a shape's dimensions as a long; a product beyond long fails clearly.</summary>
    public static long Elements(IReadOnlyList<int> shape)
    {
        long p = 1;
        try
        {
            foreach (var d in shape) p = checked(p * d);
        }
        catch (OverflowException)
        {
            throw new ModelCostException(ErrorIds.ShapeOverflow, ModelCostErrorCategory.LimitsExceeded,
                $"The shape {ShapeText.Format(shape)} has more elements than a 64-bit count can hold.", ShapeText.Format(shape));
        }
        return p;
    }

    /// <summary>Keras-style automatic names: the first Dense is 'dense', then 'dense_1', ...; user names kept.</summary>
    public static string[] AssignNames(IReadOnlyList<LayerSpec> layers)
    {
        var names = new string[layers.Count];
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            var n = layers[i]?.Name;
            if (string.IsNullOrWhiteSpace(n)) continue;
            if (n == InputName || !taken.Add(n))
                throw new ModelCostException(ErrorIds.DuplicateLayerName, ModelCostErrorCategory.InvalidArgument,
                    $"Layer {i} '{n}': the name is used twice{(n == InputName ? " (or is the reserved name 'input')" : "")}; layer names must be unique.", n)
                { LayerIndex = i, LayerName = n, Option = "name" };
            names[i] = n;
        }
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            if (names[i] is not null) continue;
            var prefix = LayerTypes.TryCanonicalize(layers[i]?.Type, out var t) ? LayerTypes.NamePrefix(t) : (layers[i]?.Type ?? "layer").ToLowerInvariant();
            counters.TryGetValue(prefix, out var c);
            string candidate;
            do { candidate = c == 0 ? prefix : prefix + "_" + c.ToString(CultureInfo.InvariantCulture); c++; }
            while (taken.Contains(candidate));
            counters[prefix] = c;
            taken.Add(candidate);
            names[i] = candidate;
        }
        return names;
    }

    private static void ValidateInputShape(ModelSpec spec)
    {
        if (spec.InputDtype is not null && !InputDtypes.All.Contains(spec.InputDtype))
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{spec.Name}': input dtype '{spec.InputDtype}' is not known; use float32 (the default) or int32 (token ids).", spec.Name) { Option = "inputDtype" };
        if (spec.InputShape is null || spec.InputShape.Length == 0)
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{spec.Name}' needs an input shape (without the batch dimension), e.g. (28, 28, 1).", spec.Name) { Option = "inputShape" };
        foreach (var d in spec.InputShape)
            if (d <= 0)
                throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                    $"Model '{spec.Name}': input shape {ShapeText.Format(spec.InputShape)} has a dimension of {d}; every dimension must be positive.", spec.Name) { Option = "inputShape" };
        Elements(spec.InputShape);
    }

    private static ResolvedLayer ResolveOne(Ctx c, string[] inputNames, int[] inputIdx, int[][] inShapes)
    {
        var s = c.Spec;
        var inShape = inShapes[0];
        string type = c.Type;
        var b = new Builder(c, inputNames, inputIdx, inShapes);
        CheckRegularizers(c);
        if (s.NegativeSlope is not null && type != LayerTypes.Activation)
            throw c.Error(ErrorIds.UnknownLayerOption, LayerOptions.NegativeSlope, $"option 'negative_slope' does not apply to {type}; it belongs to a leaky_relu Activation (LeakyReLU) layer.");

        switch (type)
        {
            case LayerTypes.Dense:
            {
                RequireRank(c, inShape, 1, int.MaxValue, "a Dense layer");
                int units = Positive(c, s.Units, "units", required: true);
                int fanIn = inShape[^1];
                bool bias = s.UseBias ?? true;
                b.Units = units; b.UseBias = bias; b.Activation = Act(c, s.Activation);
                b.Out = [.. inShape[..^1], units];
                b.Trainable = Mul(c, fanIn, units) + (bias ? units : 0);
                break;
            }
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D or LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D:
            {
                int rank = type switch { LayerTypes.Conv1D => 1, LayerTypes.Conv3D => 3, _ => 2 };
                RequireRank(c, inShape, rank + 1, rank + 1, $"a {type} layer (spatial dims + channels)");
                int cin = inShape[^1];
                var kernel = Tuple(c, s.KernelSize, rank, "kernel_size", null);
                var strides = Tuple(c, s.Strides, rank, "strides", 1);
                var padding = Pad(c, s.Padding);
                bool bias = s.UseBias ?? true;
                var (spatial, before, after) = Spatial(c, inShape, kernel, strides, padding, "kernel_size");
                int dm = 1, cout;
                long kvol = Elements(kernel);
                long trainable;
                if (type == LayerTypes.DepthwiseConv2D)
                {
                    if (s.Filters is not null) throw c.Error(ErrorIds.UnknownLayerOption, "filters", "DepthwiseConv2D has no 'filters'; use depth_multiplier.");
                    dm = Positive(c, s.DepthMultiplier, "depth_multiplier", required: false, 1);
                    cout = (int)CheckedInt(c, Mul(c, cin, dm), "the output channels (channels × depth_multiplier)");
                    trainable = Mul(c, kvol, cout) + (bias ? cout : 0);
                }
                else if (type == LayerTypes.SeparableConv2D)
                {
                    dm = Positive(c, s.DepthMultiplier, "depth_multiplier", required: false, 1);
                    cout = Positive(c, s.Filters, "filters", required: true);
                    long mid = Mul(c, cin, dm);
                    trainable = Mul(c, kvol, mid) + Mul(c, mid, cout) + (bias ? cout : 0);
                }
                else
                {
                    cout = Positive(c, s.Filters, "filters", required: true);
                    trainable = Mul(c, Mul(c, kvol, cin), cout) + (bias ? cout : 0);
                }
                b.Filters = cout; b.KernelSize = kernel; b.Strides = strides; b.Padding = padding; b.UseBias = bias;
                b.DepthMultiplier = dm; b.PadBefore = before; b.PadAfter = after; b.Activation = Act(c, s.Activation);
                b.Out = [.. spatial, cout];
                b.Trainable = trainable;
                break;
            }
            case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
                or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D:
            {
                int rank = type.EndsWith("1D", StringComparison.Ordinal) ? 1 : type.EndsWith("3D", StringComparison.Ordinal) ? 3 : 2;
                RequireRank(c, inShape, rank + 1, rank + 1, $"a {type} layer (spatial dims + channels)");
                var pool = Tuple(c, s.PoolSize, rank, "pool_size", 2);
                var strides = s.Strides is null ? pool : Tuple(c, s.Strides, rank, "strides", null);
                var padding = Pad(c, s.Padding);
                var (spatial, before, after) = Spatial(c, inShape, pool, strides, padding, "pool_size");
                b.PoolSize = pool; b.KernelSize = pool; b.Strides = strides; b.Padding = padding; b.PadBefore = before; b.PadAfter = after;
                b.Out = [.. spatial, inShape[^1]];
                break;
            }
            case LayerTypes.GlobalAveragePooling1D:
                RequireRank(c, inShape, 2, 2, "GlobalAveragePooling1D (steps, channels)");
                b.Out = [inShape[^1]];
                break;
            case LayerTypes.GlobalAveragePooling2D or LayerTypes.GlobalMaxPooling2D:
                RequireRank(c, inShape, 3, 3, $"{type} (height, width, channels)");
                b.Out = [inShape[^1]];
                break;
            case LayerTypes.Flatten:
                if (inShape.Length < 2)
                    throw c.Error(ErrorIds.FlattenOfFlatInput, null,
                        $"its input {ShapeText.FormatWithBatch(inShape)} is already flat; remove the Flatten layer.");
                b.Out = [checked((int)CheckedInt(c, Elements(inShape), "the flattened size"))];
                break;
            case LayerTypes.Dropout:
            {
                double rate = s.Rate ?? throw c.Error(ErrorIds.MissingLayerOption, "rate", "Dropout needs 'rate', e.g. Dropout(0.5).");
                if (!(rate >= 0 && rate < 1)) throw c.Error(ErrorIds.InvalidLayerOption, "rate", $"rate {Num(rate)} must be in [0, 1).");
                b.Rate = rate; b.Out = inShape;
                break;
            }
            case LayerTypes.Activation:
                if (s.Activation is null) throw c.Error(ErrorIds.MissingLayerOption, "activation", "Activation needs an activation name, e.g. Activation(relu).");
                b.Activation = Act(c, s.Activation); b.Out = inShape;
                if (s.NegativeSlope is { } slope)
                {
                    if (b.Activation != Activations.LeakyRelu)
                        throw c.Error(ErrorIds.InvalidLayerOption, LayerOptions.NegativeSlope, $"negative_slope applies to the leaky_relu activation, not '{b.Activation}'.");
                    if (!(slope >= 0) || double.IsInfinity(slope))
                        throw c.Error(ErrorIds.InvalidLayerOption, LayerOptions.NegativeSlope, $"negative_slope {Num(slope)} must be a non-negative finite number.");
                    b.NegativeSlope = slope;
                }
                break;
            case LayerTypes.BatchNormalization:
            {
                double eps = s.Epsilon ?? 1e-3, mom = s.Momentum ?? 0.99;
                if (!(eps > 0)) throw c.Error(ErrorIds.InvalidLayerOption, "epsilon", $"epsilon {Num(eps)} must be positive.");
                if (!(mom >= 0 && mom < 1)) throw c.Error(ErrorIds.InvalidLayerOption, "momentum", $"momentum {Num(mom)} must be in [0, 1).");
                if (s.Axis is { } bnAxis && bnAxis != -1 && bnAxis != inShape.Length)
                    throw c.Error(ErrorIds.InvalidLayerOption, LayerOptions.Axis,
                        $"BatchNormalization over axis {bnAxis} is not supported; only the channels (last) axis is: -1 (or {inShape.Length}, counting the batch axis as 0, for input {ShapeText.FormatWithBatch(inShape)}).");
                int ch = inShape[^1];
                b.Epsilon = eps; b.Momentum = mom; b.Out = inShape;
                b.Trainable = 2L * ch; // gamma, beta
                b.NonTrainable = 2L * ch; // moving mean, moving variance (Keras counts them as non-trainable)
                break;
            }
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
            {
                RequireRank(c, inShape, 2, 2, $"a {type} layer (timesteps, features)");
                int units = Positive(c, s.Units, "units", required: true);
                int fin = inShape[1];
                bool bias = s.UseBias ?? true;
                bool resetAfter = s.ResetAfter ?? true;
                bool recurrentBias = s.RecurrentBias ?? false;
                int gates = type switch { LayerTypes.LSTM => 4, LayerTypes.GRU => 3, _ => 1 };
                int biasPerGate = !bias ? 0 : (type == LayerTypes.GRU && resetAfter) || recurrentBias ? 2 : 1;
                long perGate = Mul(c, fin, units) + Mul(c, units, units) + (long)biasPerGate * units;
                b.Trainable = Mul(c, gates, perGate);
                b.Units = units; b.UseBias = bias; b.ResetAfter = resetAfter; b.RecurrentBias = recurrentBias;
                b.Activation = Act(c, s.Activation ?? Activations.Tanh);
                b.RecurrentActivation = Act(c, s.RecurrentActivation ?? Activations.Sigmoid, "recurrent_activation");
                b.ReturnSequences = s.ReturnSequences ?? false;
                b.Out = b.ReturnSequences ? [inShape[0], units] : [units];
                break;
            }
            case LayerTypes.Add:
                for (int k = 1; k < inShapes.Length; k++)
                    if (!inShapes[k].AsSpan().SequenceEqual(inShape))
                        throw c.Error(ErrorIds.MergeShapeMismatch, "inputs",
                            $"Add needs inputs of one shape, but '{inputNames[0]}' is {ShapeText.FormatWithBatch(inShape)} and '{inputNames[k]}' is {ShapeText.FormatWithBatch(inShapes[k])}.");
                b.Out = inShape;
                break;
            case LayerTypes.Concatenate:
            {
                int rank = inShape.Length;
                int axis = s.Axis ?? -1;
                int ax = axis < 0 ? rank + axis : axis - 1; // Keras counts the batch axis as 0
                if (ax < 0 || ax >= rank) throw c.Error(ErrorIds.InvalidLayerOption, "axis", $"axis {axis} is outside inputs of rank {rank} (plus batch).");
                long sum = 0;
                for (int k = 0; k < inShapes.Length; k++)
                {
                    var sh = inShapes[k];
                    bool ok = sh.Length == rank;
                    for (int d = 0; ok && d < rank; d++) ok = d == ax || sh[d] == inShape[d];
                    if (!ok)
                        throw c.Error(ErrorIds.MergeShapeMismatch, "inputs",
                            $"Concatenate on axis {axis} needs inputs equal in every other dimension, but '{inputNames[0]}' is {ShapeText.FormatWithBatch(inShape)} and '{inputNames[k]}' is {ShapeText.FormatWithBatch(sh)}.");
                    sum += sh[ax];
                }
                var o = (int[])inShape.Clone();
                o[ax] = (int)CheckedInt(c, sum, "the concatenated size");
                b.Axis = ax; b.Out = o;
                break;
            }
            case LayerTypes.ZeroPadding2D:
            {
                RequireRank(c, inShape, 3, 3, "ZeroPadding2D (height, width, channels)");
                var p = s.ZeroPadding ?? [1, 1, 1, 1];
                if (p.Length == 1) p = [p[0], p[0], p[0], p[0]];
                else if (p.Length == 2) p = [p[0], p[0], p[1], p[1]];
                if (p.Length != 4 || p.Any(v => v < 0))
                    throw c.Error(ErrorIds.InvalidLayerOption, "padding", "padding must be an int, (rows, cols) or ((top, bottom), (left, right)) of non-negative ints.");
                b.PadBefore = [p[0], p[2]]; b.PadAfter = [p[1], p[3]];
                b.Out = [(int)CheckedInt(c, (long)inShape[0] + p[0] + p[1], "the padded height"), (int)CheckedInt(c, (long)inShape[1] + p[2] + p[3], "the padded width"), inShape[2]];
                break;
            }
            case LayerTypes.Embedding:
            {
                int vocab = Positive(c, s.InputDim, "input_dim", required: true);
                int width = Positive(c, s.OutputDim, "output_dim", required: true);
                int constant = -1;
                if (s.ConstantId is int cid)
                {
                    if (cid < 0 || cid >= vocab)
                        throw c.Error(ErrorIds.InvalidLayerOption, "constant_id", $"constant_id {cid} is not a row of the table (0 to {vocab - 1}).");
                    constant = cid;
                }
                b.InputDim = vocab; b.OutputDim = width; b.ConstantId = constant;
                b.Out = [.. inShape, width];
                b.Trainable = Mul(c, vocab, width);
                break;
            }
            case LayerTypes.PositionEmbedding:
            {
                RequireRank(c, inShape, 2, 2, "PositionEmbedding (sequence, features)");
                int positions = Positive(c, s.SequenceLength, "sequence_length", required: true);
                if (inShape[0] > positions)
                    throw c.Error(ErrorIds.SequenceTooLong, "sequence_length",
                        $"the input has {inShape[0]} positions but sequence_length is {positions}; the table has no embedding for {(inShape[0] - 1 == positions ? $"position {positions}" : $"positions {positions} to {inShape[0] - 1}")}. Raise sequence_length or shorten the input.");
                b.SequenceLength = positions; b.Out = inShape;
                b.Trainable = Mul(c, positions, inShape[1]);
                break;
            }
            case LayerTypes.LayerNormalization:
            {
                double eps = s.Epsilon ?? 1e-3;
                if (!(eps > 0)) throw c.Error(ErrorIds.InvalidLayerOption, "epsilon", $"epsilon {Num(eps)} must be positive.");
                b.Epsilon = eps; b.Out = inShape;
                b.Trainable = 2L * inShape[^1]; // gamma, beta over the last axis
                break;
            }
            case LayerTypes.MultiHeadAttention:
            {
                RequireRank(c, inShape, 2, 2, "MultiHeadAttention (sequence, features)");
                var value = inShapes.Length > 1 ? inShapes[1] : inShape;
                var key = inShapes.Length > 2 ? inShapes[2] : value;
                foreach (var (shape, what) in new[] { (value, "value"), (key, "key") })
                    if (shape.Length != 2)
                        throw c.Error(ErrorIds.IncompatibleInputRank, "inputs", $"the {what} input needs rank 2 (sequence, features), but is {ShapeText.FormatWithBatch(shape)}.");
                if (key[0] != value[0])
                    throw c.Error(ErrorIds.MergeShapeMismatch, "inputs", $"key and value need the same sequence length, but the key is {ShapeText.FormatWithBatch(key)} and the value {ShapeText.FormatWithBatch(value)}.");
                int heads = Positive(c, s.NumHeads, "num_heads", required: true);
                int keyDim = Positive(c, s.KeyDim, "key_dim", required: true);
                int valueDim = Positive(c, s.ValueDim, "value_dim", required: false, keyDim);
                double dropout = Rate(c, s.Dropout, "dropout");
                bool bias = s.UseBias ?? true;
                b.NumHeads = heads; b.KeyDim = keyDim; b.ValueDim = valueDim; b.Dropout = dropout; b.UseBias = bias;
                b.UseCausalMask = s.UseCausalMask ?? false;
                if (b.UseCausalMask && inShape[0] != value[0])
                    throw c.Error(ErrorIds.InvalidLayerOption, "use_causal_mask", $"a causal mask needs query and value of one length, but they have {inShape[0]} and {value[0]} positions.");
                b.Out = inShape;
                b.Trainable = AttentionParams(c, inShape[1], key[1], value[1], heads, keyDim, valueDim, bias);
                break;
            }
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
            {
                RequireRank(c, inShape, 2, 2, $"{type} (sequence, features)");
                int width = inShape[1];
                int inter = Positive(c, s.IntermediateDim, "intermediate_dim", required: true);
                int heads = Positive(c, s.NumHeads, "num_heads", required: true);
                if (width % heads != 0)
                    throw c.Error(ErrorIds.InvalidLayerOption, "num_heads",
                        $"num_heads {heads} does not divide the input width {width}; each head of a {type} gets width / num_heads dimensions, so choose a divisor of {width}.");
                double eps = s.LayerNormEpsilon ?? 1e-5;
                if (!(eps > 0)) throw c.Error(ErrorIds.InvalidLayerOption, "layer_norm_epsilon", $"layer_norm_epsilon {Num(eps)} must be positive.");
                b.NumHeads = heads; b.KeyDim = width / heads; b.ValueDim = width / heads; b.IntermediateDim = inter;
                b.Dropout = Rate(c, s.Dropout, "dropout"); b.Epsilon = eps; b.UseBias = true;
                b.Activation = Act(c, s.Activation ?? Activations.Relu);
                b.NormalizeFirst = s.NormalizeFirst ?? false;
                b.UseCausalMask = type == LayerTypes.TransformerDecoder;
                b.Out = inShape;
                // Attention (4 projections with biases), two LayerNorms (γ, β), feed-forward width→inter→width with biases.
                b.Trainable = AttentionParams(c, width, width, width, heads, b.KeyDim, b.ValueDim, bias: true)
                    + 4L * width + Mul(c, width, inter) + inter + Mul(c, inter, width) + width;
                break;
            }
            case LayerTypes.Reshape:
            {
                var target = s.TargetShape ?? throw c.Error(ErrorIds.MissingLayerOption, "target_shape", "Reshape needs 'target_shape', e.g. Reshape((49, 64)).");
                long inElems = Elements(inShape);
                int unknown = -1;
                long known = 1;
                for (int d = 0; d < target.Length; d++)
                {
                    if (target[d] == -1 && unknown < 0) { unknown = d; continue; }
                    if (target[d] <= 0)
                        throw c.Error(ErrorIds.InvalidLayerOption, "target_shape", $"target_shape {ShapeText.Format(target)} may hold positive sizes and one -1, not {target[d]}.");
                    known = Mul(c, known, target[d]);
                }
                var o = (int[])target.Clone();
                if (unknown >= 0)
                {
                    if (inElems % known != 0)
                        throw c.Error(ErrorIds.InvalidLayerOption, "target_shape", $"the input {ShapeText.FormatWithBatch(inShape)} has {inElems} values, which {ShapeText.Format(target)} cannot hold (not a multiple of {known}).");
                    o[unknown] = (int)CheckedInt(c, inElems / known, "the inferred dimension");
                }
                else if (known != inElems)
                    throw c.Error(ErrorIds.InvalidLayerOption, "target_shape", $"the input {ShapeText.FormatWithBatch(inShape)} has {inElems} values but target_shape {ShapeText.Format(target)} holds {known}.");
                b.Out = o;
                break;
            }
            case LayerTypes.Cropping1D:
            {
                RequireRank(c, inShape, 2, 2, "Cropping1D (sequence, features)");
                var crop = s.Cropping ?? [1, 1];
                if (crop.Length == 1) crop = [crop[0], crop[0]];
                if (crop.Length != 2 || crop.Any(v => v < 0))
                    throw c.Error(ErrorIds.InvalidLayerOption, "cropping", "cropping must be an int or (start, end) of non-negative ints.");
                if ((long)crop[0] + crop[1] >= inShape[0])
                    throw c.Error(ErrorIds.InvalidLayerOption, "cropping", $"cropping ({crop[0]}, {crop[1]}) removes all {inShape[0]} positions of the input.");
                b.CropStart = crop[0]; b.CropEnd = crop[1];
                b.Out = [inShape[0] - crop[0] - crop[1], inShape[1]];
                break;
            }
            case LayerTypes.Permute:
            {
                var dims = s.Dims ?? throw c.Error(ErrorIds.MissingLayerOption, "dims", "Permute needs 'dims', e.g. Permute((2, 1)).");
                if (dims.Length != inShape.Length || !dims.Order().SequenceEqual(Enumerable.Range(1, inShape.Length)))
                    throw c.Error(ErrorIds.InvalidLayerOption, "dims",
                        $"dims {ShapeText.Format(dims)} must order the input's {inShape.Length} axes after the batch, each of 1 to {inShape.Length} once (input {ShapeText.FormatWithBatch(inShape)}).");
                b.Dims = dims.Select(d => d - 1).ToArray();
                b.Out = b.Dims.Select(d => inShape[d]).ToArray();
                break;
            }
            case LayerTypes.MatMul:
            {
                // numpy/ONNX matmul of (…, M, K) and (…, K, N): leading dims broadcast; both need rank 2 or more here.
                var a = inShape;
                var m = inShapes[1];
                if (a.Length < 2 || m.Length < 2)
                    throw c.Error(ErrorIds.IncompatibleInputRank, "inputs", $"MatMul needs inputs of rank 2 or more (without batch), but gets {ShapeText.FormatWithBatch(a)} and {ShapeText.FormatWithBatch(m)}.");
                if (a[^1] != m[^2])
                    throw c.Error(ErrorIds.MergeShapeMismatch, "inputs", $"MatMul of {ShapeText.FormatWithBatch(a)} by {ShapeText.FormatWithBatch(m)}: the first's last dimension ({a[^1]}) must equal the second's next to last ({m[^2]}).");
                int lead = Math.Max(a.Length, m.Length) - 2;
                var o = new int[lead + 2];
                for (int d = 0; d < lead; d++)
                {
                    int i = d - (lead - (a.Length - 2)), j = d - (lead - (m.Length - 2));
                    int x = i >= 0 ? a[i] : 1, y = j >= 0 ? m[j] : 1;
                    if (x != y && x != 1 && y != 1)
                        throw c.Error(ErrorIds.MergeShapeMismatch, "inputs", $"MatMul of {ShapeText.FormatWithBatch(a)} by {ShapeText.FormatWithBatch(m)}: leading dimensions {x} and {y} do not broadcast.");
                    o[d] = Math.Max(x, y);
                }
                o[lead] = a[^2];
                o[lead + 1] = m[^1];
                b.Out = o;
                break;
            }
            default:
                throw c.Error(ErrorIds.UnknownLayerType, "type", $"layer type '{type}' has no shape rule.");
        }
        try { Elements(b.Out); }
        catch (ModelCostException ex) when (ex.ErrorId == ErrorIds.ShapeOverflow)
        {
            throw c.Error(ErrorIds.ShapeOverflow, null, $"its output {ShapeText.FormatWithBatch(b.Out)} has more elements than a 64-bit count can hold.");
        }
        return b.Build();
    }

    /// <summary>Regularizers only on weights the type has, with non-negative finite factors.</summary>
    private static void CheckRegularizers(Ctx c)
    {
        foreach (var (option, _) in LayerOptions.Regularizers)
        {
            if (LayerOptions.RegularizerOption(c.Spec, option) is not { } r) continue;
            if (!LayerOptions.IsAllowed(c.Type, option))
                throw c.Error(ErrorIds.UnknownLayerOption, option, $"option '{option}' does not apply to {c.Type}. {LayerOptions.Describe(c.Type)}");
            if (!(r.L1 >= 0 && r.L2 >= 0) || double.IsInfinity(r.L1) || double.IsInfinity(r.L2))
                throw c.Error(ErrorIds.InvalidLayerOption, option, $"{option} factors must be non-negative finite numbers, not l1={Num(r.L1)}, l2={Num(r.L2)}.");
        }
    }

    private static (int[] Out, int[] Before, int[] After) Spatial(Ctx c, int[] inShape, int[] kernel, int[] strides, string padding, string kernelOption)
    {
        int rank = kernel.Length;
        var o = new int[rank]; var before = new int[rank]; var after = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int n = inShape[d], k = kernel[d], st = strides[d];
            if (padding == "valid")
            {
                if (k > n)
                    throw c.Error(ErrorIds.KernelLargerThanInput, kernelOption,
                        $"{kernelOption} {k} is larger than the input's {n} in spatial dimension {d} (input {ShapeText.FormatWithBatch(inShape)}) under padding='valid'; use padding='same' or a smaller {kernelOption}.");
                o[d] = (n - k) / st + 1;
            }
            else
            {
                o[d] = (int)(((long)n + st - 1) / st);
                long total = Math.Max((long)(o[d] - 1) * st + k - n, 0);
                before[d] = (int)(total / 2);
                after[d] = (int)(total - total / 2);
            }
        }
        return (o, before, after);
    }

    /// <summary>
    /// Keras MultiHeadAttention weights: query/key kernels (d, heads, key_dim), value kernel (d, heads, value_dim),
    /// output kernel (heads, value_dim, d_query), with a bias on each when use_bias.
    /// </summary>
    private static long AttentionParams(Ctx c, int queryDim, int keyDim, int valueDim, int heads, int headKey, int headValue, bool bias)
    {
        long hk = Mul(c, heads, headKey), hv = Mul(c, heads, headValue);
        long kernels = Mul(c, queryDim, hk) + Mul(c, keyDim, hk) + Mul(c, valueDim, hv) + Mul(c, hv, queryDim);
        return bias ? kernels + 2 * hk + hv + queryDim : kernels;
    }

    private static double Rate(Ctx c, double? value, string option)
    {
        double rate = value ?? 0;
        if (!(rate >= 0 && rate < 1)) throw c.Error(ErrorIds.InvalidLayerOption, option, $"{option} {Num(rate)} must be in [0, 1).");
        return rate;
    }

    private static void RequireRank(Ctx c, int[] shape, int min, int max, string what)
    {
        if (shape.Length < min || shape.Length > max)
        {
            string want = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            string hint = c.Type == LayerTypes.Dense ? "" :
                min == max && shape.Length > min ? " Add a Flatten or pooling layer before it?" :
                shape.Length < min ? " Its input is too flat; check the input shape (e.g. (28, 28, 1) for images)." : "";
            throw c.Error(ErrorIds.IncompatibleInputRank, null,
                $"{what} needs an input of rank {want} (without batch), but gets {ShapeText.FormatWithBatch(shape)}.{hint}");
        }
    }

    private static int Positive(Ctx c, int? value, string option, bool required, int fallback = 0)
    {
        if (value is null)
        {
            if (required) throw c.Error(ErrorIds.MissingLayerOption, option, $"{c.Type} needs '{option}'.");
            return fallback;
        }
        if (value <= 0) throw c.Error(ErrorIds.InvalidLayerOption, option, $"{option} must be a positive integer, not {value}.");
        return value.Value;
    }

    private static int[] Tuple(Ctx c, int[]? value, int rank, string option, int? fallback)
    {
        if (value is null)
        {
            if (fallback is null) throw c.Error(ErrorIds.MissingLayerOption, option, $"{c.Type} needs '{option}'.");
            return Enumerable.Repeat(fallback.Value, rank).ToArray();
        }
        int[] v = value.Length == 1 ? Enumerable.Repeat(value[0], rank).ToArray() : value;
        if (v.Length != rank)
            throw c.Error(ErrorIds.InvalidLayerOption, option, $"{option} needs 1 or {rank} values for {c.Type}, not {value.Length} ({string.Join(", ", value)}).");
        foreach (var x in v)
            if (x <= 0) throw c.Error(ErrorIds.InvalidLayerOption, option, $"{option} values must be positive, not {x}.");
        return v;
    }

    private static string Pad(Ctx c, string? padding)
    {
        var p = (padding ?? "valid").Trim().ToLowerInvariant();
        if (p is not ("valid" or "same"))
            throw c.Error(ErrorIds.InvalidLayerOption, "padding", $"padding must be 'valid' or 'same', not '{padding}'.");
        return p;
    }

    private static string Act(Ctx c, string? name, string option = "activation")
    {
        if (!Activations.TryNormalize(name, out var n))
            throw c.Error(ErrorIds.InvalidLayerOption, option, $"unknown activation '{name}'. Known: {string.Join(", ", Activations.All)}.");
        return n;
    }

    private static long Mul(Ctx c, long a, long b)
    {
        try { return checked(a * b); }
        catch (OverflowException)
        {
            throw c.Error(ErrorIds.ShapeOverflow, null, $"the parameter count {a} × {b} is beyond a 64-bit count.");
        }
    }

    private static long CheckedInt(Ctx c, long v, string what)
    {
        if (v > int.MaxValue) throw c.Error(ErrorIds.ShapeOverflow, null, $"{what} ({v}) exceeds the largest dimension supported ({int.MaxValue}).");
        return v;
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private readonly record struct Ctx(int Index, string Name, LayerSpec Spec)
    {
        public string Type { get; init; } = Spec.Type;

        public ModelCostException Error(string id, string? option, string message) =>
            new(id, id is ErrorIds.UnknownLayerType or ErrorIds.UnknownLayerOption ? ModelCostErrorCategory.InvalidArgument
                    : id == ErrorIds.ShapeOverflow ? ModelCostErrorCategory.LimitsExceeded : ModelCostErrorCategory.InvalidArgument,
                $"Layer {Index} '{Name}' ({Type}){(option is null ? "" : $", option '{option}'")}: {message}", Name)
            { LayerIndex = Index, LayerName = Name, Option = option };
    }

    private sealed class Builder(Ctx c, string[] inputNames, int[] inputIdx, int[][] inShapes)
    {
        public int[] Out = [];
        public long Trainable, NonTrainable;
        public int Units, Filters, DepthMultiplier = 1, Axis;
        public int[] KernelSize = [], Strides = [], PadBefore = [], PadAfter = [], PoolSize = [], Dims = [];
        public string Padding = "valid", Activation = Activations.Linear, RecurrentActivation = Activations.Sigmoid;
        public bool UseBias, ReturnSequences, ResetAfter = true, RecurrentBias;
        public double Rate, Epsilon = 1e-3, Momentum = 0.99, NegativeSlope = LeakyReluDefaultSlope;
        public int InputDim, OutputDim, ConstantId = -1, SequenceLength, NumHeads, KeyDim, ValueDim, IntermediateDim, CropStart, CropEnd;
        public double Dropout;
        public bool UseCausalMask, NormalizeFirst;

        public ResolvedLayer Build() => new()
        {
            Index = c.Index, Name = c.Name, Type = c.Type, Spec = c.Spec,
            InputNames = inputNames, InputIndices = inputIdx, InputShapes = inShapes, OutputShape = Out,
            TrainableParams = Trainable, NonTrainableParams = NonTrainable,
            Units = Units, Filters = Filters, KernelSize = KernelSize, Strides = Strides, PadBefore = PadBefore, PadAfter = PadAfter,
            Padding = Padding, Activation = Activation, RecurrentActivation = RecurrentActivation, UseBias = UseBias,
            PoolSize = PoolSize, Rate = Rate, DepthMultiplier = DepthMultiplier, ReturnSequences = ReturnSequences,
            Epsilon = Epsilon, Momentum = Momentum, ResetAfter = ResetAfter, RecurrentBias = RecurrentBias, Axis = Axis, Dims = Dims, NegativeSlope = NegativeSlope,
            InputDim = InputDim, OutputDim = OutputDim, ConstantId = ConstantId, SequenceLength = SequenceLength,
            NumHeads = NumHeads, KeyDim = KeyDim, ValueDim = ValueDim, Dropout = Dropout, UseCausalMask = UseCausalMask,
            IntermediateDim = IntermediateDim, NormalizeFirst = NormalizeFirst, CropStart = CropStart, CropEnd = CropEnd,
        };
    }
}
