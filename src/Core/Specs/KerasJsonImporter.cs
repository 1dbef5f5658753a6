using System.Text.Json;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Imports a Keras <c>model.to_json()</c> config (Sequential or Functional; Keras 2 with
/// class_name/config/batch_input_shape and nested-list inbound_nodes, or Keras 3 with
/// module/registered_name/batch_shape and inbound_nodes holding args/keras_history) as a
/// <see cref="ModelSpec"/>, so existing Keras models can be costed. Weight regularizers (L1, L2, L1L2)
/// are kept for training; options that change neither shapes, counts nor training (initializers,
/// dtype, ...) are dropped; options we
/// cannot honour (dilation, groups, channels_first, ...) fail naming the layer and option; every
/// unsupported layer type is named in one error.
/// </summary>
public static class KerasJsonImporter
{
    public const int MaxChars = 16 * 1024 * 1024;
    public const int MaxDepth = 64;

    /// <summary>Parses a Keras model JSON. <paramref name="name"/> overrides the model name in the config.</summary>
    public static ModelSpec Parse(string json, string? sourceName = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        string src = sourceName ?? "Keras JSON";
        if (json.Length > MaxChars)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"{src}: the document has {json.Length} characters; the limit is {MaxChars}.", sourceName) { File = sourceName };
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            int? line = ex.LineNumber is long l ? (int)Math.Min(l + 1, int.MaxValue) : null;
            int? col = ex.BytePositionInLine is long c ? (int)Math.Min(c + 1, int.MaxValue) : null;
            throw new ModelCostException(ErrorIds.KerasConfigInvalid, ModelCostErrorCategory.ParserError,
                $"{src}:{line}:{col}: not valid JSON: {ex.Message}", sourceName, ex) { File = sourceName, Line = line, Column = col };
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json transcodes to UTF-8 first; a lone surrogate cannot be transcoded.
            throw new ModelCostException(ErrorIds.KerasConfigInvalid, ModelCostErrorCategory.ParserError,
                $"{src}: not valid JSON text: {ex.Message}", sourceName, ex) { File = sourceName };
        }
        using (doc)
        {
            try
            {
                return new Importer(src, sourceName).Import(doc.RootElement, name);
            }
            catch (InvalidOperationException ex)
            {
                // JsonDocument accepts an escaped lone surrogate ("\ud800") but GetString() on it throws.
                throw new ModelCostException(ErrorIds.KerasConfigInvalid, ModelCostErrorCategory.ParserError,
                    $"{src}: a JSON string cannot be read as text (an escaped lone surrogate such as \\ud800?): {ex.Message}", sourceName, ex) { File = sourceName };
            }
        }
    }

    private sealed class Importer(string src, string? file)
    {
        private string? _inputName;

        private sealed record Pending(string KerasName, string ClassName, JsonElement Config, string[]? Inbound, JsonElement? CallKwargs);

        public ModelSpec Import(JsonElement root, string? nameOverride)
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid(null, null, "the document must be a JSON object as written by model.to_json().");
            var cls = Str(root, "class_name", "the model");
            bool sequential = cls == "Sequential";
            if (!sequential && cls is not ("Functional" or "Model"))
                throw Invalid(null, null, $"the top-level class_name is '{cls}'; only Sequential and Functional (Model) models can be imported.");
            // Keras before 2.2.3 wrote a Sequential's config as the bare list of layers.
            JsonElement config, layersEl;
            if (sequential && root.TryGetProperty("config", out var bare) && bare.ValueKind == JsonValueKind.Array)
                (config, layersEl) = (root, bare);
            else
            {
                config = Obj(root, "config", "the model");
                layersEl = Arr(config, "layers", "the model config");
            }
            var modelName = nameOverride ?? (config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null) ?? "keras_model";

            int[]? inputShape = null;
            string? inputName = null, inputDtype = null;
            var pending = new List<Pending>();
            var unsupported = new List<string>();
            int idx = 0;
            foreach (var l in layersEl.EnumerateArray())
            {
                string where = $"layers[{idx}]";
                if (l.ValueKind != JsonValueKind.Object) throw Invalid(null, null, $"{where} is not an object.");
                var lcls = Str(l, "class_name", where);
                var lcfg = Obj(l, "config", where);
                var lname = l.TryGetProperty("name", out var ln) && ln.ValueKind == JsonValueKind.String ? ln.GetString()!
                    : lcfg.TryGetProperty("name", out var cn) && cn.ValueKind == JsonValueKind.String ? cn.GetString()! : $"layer_{idx}";
                idx++;
                if (lcls == "InputLayer")
                {
                    if (inputShape is not null)
                        throw Invalid(lname, null, "the model has more than one input; only single-input models can be costed.");
                    inputShape = BatchShape(lcfg, lname) ?? throw Invalid(lname, null, "the InputLayer has no batch_shape/batch_input_shape.");
                    inputName = lname;
                    inputDtype = Dtype(lcfg, lname);
                    continue;
                }
                if (KerasType(lcls) is null)
                {
                    unsupported.Add($"'{lname}' ({lcls})");
                    continue;
                }
                if (sequential && pending.Count == 0 && inputShape is null)
                {
                    inputShape = BatchShape(lcfg, lname);
                    if (inputShape is not null) inputDtype = Dtype(lcfg, lname);
                }
                pending.Add(new Pending(lname, lcls, lcfg, sequential ? null : Inbound(l, lname), sequential ? null : CallKwargs(l)));
            }
            if (unsupported.Count > 0)
                throw new ModelCostException(ErrorIds.KerasLayerUnsupported, ModelCostErrorCategory.InvalidData,
                    $"{src}: {unsupported.Count} layer(s) of a type this module cannot cost: {string.Join(", ", unsupported)}. Supported types: {string.Join(", ", LayerTypes.All)}.",
                    string.Join(", ", unsupported)) { File = file };
            if (pending.Count == 0) throw Invalid(null, null, "the model has no layers besides its input.");

            if (inputShape is null && config.TryGetProperty("build_input_shape", out var bis)) inputShape = Shape(bis, "build_input_shape", null);
            if (inputShape is null && root.TryGetProperty("build_config", out var bc) && bc.ValueKind == JsonValueKind.Object && bc.TryGetProperty("input_shape", out var bcs))
                inputShape = Shape(bcs, "build_config.input_shape", null);
            if (inputShape is null) throw Invalid(null, null, "no input shape found (no InputLayer, batch_input_shape, batch_shape or build_input_shape).");

            if (!sequential)
            {
                if (config.TryGetProperty("input_layers", out var il) && il.ValueKind == JsonValueKind.Array && CountRefs(il) > 1)
                    throw Invalid(null, null, "the model has more than one input; only single-input models can be costed.");
                if (config.TryGetProperty("output_layers", out var ol) && ol.ValueKind == JsonValueKind.Array)
                {
                    if (CountRefs(ol) > 1) throw Invalid(null, null, "the model has more than one output; only single-output models can be costed.");
                    var outName = FirstRef(ol);
                    if (outName is not null && outName != pending[^1].KerasName)
                        throw Invalid(outName, null, $"the output layer '{outName}' is not the last layer listed; reorder is not supported.");
                }
            }

            _inputName = inputName;
            var layers = new List<LayerSpec>(pending.Count);
            var bnAxes = new List<(int Index, int Axis, string Name)>();
            for (int i = 0; i < pending.Count; i++)
            {
                var p = pending[i];
                string[]? inputs = null;
                if (p.Inbound is { } inb)
                {
                    var mapped = inb.Select(x => x == inputName ? ShapeInference.InputName : x).ToArray();
                    // mha(x, x) is self-attention: one input.
                    if (KerasType(p.ClassName) == LayerTypes.MultiHeadAttention && mapped.Distinct().Count() == 1) mapped = [mapped[0]];
                    string prev = i == 0 ? ShapeInference.InputName : pending[i - 1].KerasName;
                    inputs = mapped.Length == 1 && mapped[0] == prev ? null : mapped;
                }
                layers.Add(MapLayer(p, inputs, bnAxes, i));
            }
            var spec = new ModelSpec { Name = modelName, InputShape = inputShape, Layers = layers, InputDtype = inputDtype };
            ResolvedModel resolved;
            try
            {
                resolved = ShapeInference.Resolve(spec);
            }
            catch (ModelCostException ex) when (ex.File is null)
            {
                throw new ModelCostException(ex.ErrorId, ex.Category, $"{src}: {ex.Message}", ex.Target, ex)
                { File = file, LayerIndex = ex.LayerIndex, LayerName = ex.LayerName, Option = ex.Option };
            }
            foreach (var (i, axis, lname) in bnAxes)
            {
                int rank = resolved.Layers[i].InputShape.Length;
                if (axis != -1 && axis != rank)
                    throw Invalid(lname, "axis", $"{resolved.Layers[i].Type} over axis {axis} is not supported; only the channels (last) axis is.");
            }
            return spec;
        }

        private LayerSpec MapLayer(Pending p, string[]? inputs, List<(int, int, string)> bnAxes, int index)
        {
            var type = KerasType(p.ClassName)!;
            var c = p.Config;
            var b = new LayerSpecBuilder { Type = type, Name = p.KerasName, Inputs = inputs };
            string n = p.KerasName;
            switch (type)
            {
                case LayerTypes.Dense:
                    b.Units = Int(c, "units", n); b.Activation = Act(c, "activation", n); b.UseBias = OptBool(c, "use_bias", n);
                    break;
                case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D or LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D:
                    if (type != LayerTypes.DepthwiseConv2D) b.Filters = Int(c, "filters", n);
                    if (type is LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D) b.DepthMultiplier = OptInt(c, "depth_multiplier", n);
                    b.KernelSize = Ints(c, "kernel_size", n); b.Strides = OptInts(c, "strides", n);
                    b.Padding = Padding(c, n); b.Activation = Act(c, "activation", n); b.UseBias = OptBool(c, "use_bias", n);
                    RequireOnes(c, "dilation_rate", n);
                    if (c.TryGetProperty("groups", out var g) && !(g.ValueKind == JsonValueKind.Number && g.TryGetInt32(out var gv) && gv == 1))
                        throw Invalid(n, "groups", "grouped convolutions (groups > 1) are not supported.");
                    ChannelsLast(c, n);
                    break;
                case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
                    or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D:
                    b.PoolSize = OptInts(c, "pool_size", n); b.Strides = OptInts(c, "strides", n); b.Padding = Padding(c, n);
                    ChannelsLast(c, n);
                    break;
                case LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D or LayerTypes.GlobalMaxPooling2D:
                    if (c.TryGetProperty("keepdims", out var kd) && kd.ValueKind == JsonValueKind.True)
                        throw Invalid(n, "keepdims", "keepdims=True is not supported.");
                    ChannelsLast(c, n);
                    break;
                case LayerTypes.Flatten:
                    ChannelsLast(c, n);
                    break;
                case LayerTypes.Dropout:
                    b.Rate = Dbl(c, "rate", n);
                    break;
                case LayerTypes.Activation when p.ClassName == "ReLU":
                    foreach (var (key, neutral) in new[] { ("max_value", (double?)null), ("negative_slope", 0.0), ("threshold", 0.0) })
                        if (OptDbl(c, key, n) is { } v && v != neutral)
                            throw Invalid(n, key, $"ReLU with {key}={v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not supported (only the plain ReLU).");
                    b.Activation = Activations.Relu;
                    break;
                case LayerTypes.Activation when p.ClassName == "LeakyReLU":
                    // Keras 3 writes negative_slope, Keras 2 alpha; the layer's default is 0.3.
                    b.Activation = Activations.LeakyRelu;
                    b.NegativeSlope = OptDbl(c, "negative_slope", n) ?? OptDbl(c, "alpha", n) ?? 0.3;
                    break;
                case LayerTypes.Activation when p.ClassName == "Softmax":
                    if (c.TryGetProperty("axis", out var sa) && !(sa.ValueKind == JsonValueKind.Number && sa.TryGetInt32(out var sav) && sav == -1))
                        throw Invalid(n, "axis", "Softmax over an axis other than -1 is not supported.");
                    b.Activation = Activations.Softmax;
                    break;
                case LayerTypes.Activation:
                    b.Activation = Act(c, "activation", n);
                    break;
                case LayerTypes.BatchNormalization:
                    b.Epsilon = OptDbl(c, "epsilon", n); b.Momentum = OptDbl(c, "momentum", n);
                    Normalization(c, n, index, bnAxes);
                    break;
                case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                    b.Units = Int(c, "units", n); b.Activation = Act(c, "activation", n); b.UseBias = OptBool(c, "use_bias", n);
                    if (type != LayerTypes.SimpleRNN) b.RecurrentActivation = Act(c, "recurrent_activation", n);
                    b.ReturnSequences = OptBool(c, "return_sequences", n);
                    if (type == LayerTypes.GRU) b.ResetAfter = OptBool(c, "reset_after", n);
                    if (c.TryGetProperty("return_state", out var rs) && rs.ValueKind == JsonValueKind.True)
                        throw Invalid(n, "return_state", "return_state=True is not supported.");
                    break;
                case LayerTypes.Concatenate:
                    b.Axis = OptInt(c, "axis", n);
                    break;
                case LayerTypes.Embedding:
                    b.InputDim = Int(c, "input_dim", n); b.OutputDim = Int(c, "output_dim", n);
                    // KerasNLP's ReversibleEmbedding with untied weights also owns a (output_dim, input_dim) reverse table.
                    if (p.ClassName == "ReversibleEmbedding" && c.TryGetProperty("tie_weights", out var tw) && tw.ValueKind == JsonValueKind.False)
                        throw Invalid(n, "tie_weights", "ReversibleEmbedding with tie_weights=False (a separate output projection) is not supported; tied weights import as an Embedding.");
                    break;
                case LayerTypes.PositionEmbedding:
                    b.SequenceLength = Int(c, "sequence_length", n);
                    break;
                case LayerTypes.LayerNormalization:
                    b.Epsilon = OptDbl(c, "epsilon", n);
                    if (c.TryGetProperty("rms_scaling", out var rms) && rms.ValueKind == JsonValueKind.True)
                        throw Invalid(n, "rms_scaling", "rms_scaling=True (RMS normalisation) is not supported.");
                    Normalization(c, n, index, bnAxes);
                    break;
                case LayerTypes.MultiHeadAttention:
                    b.NumHeads = Int(c, "num_heads", n); b.KeyDim = Int(c, "key_dim", n); b.ValueDim = OptInt(c, "value_dim", n);
                    b.Dropout = OptDbl(c, "dropout", n); b.UseBias = OptBool(c, "use_bias", n);
                    foreach (var key in new[] { "output_shape", "attention_axes" })
                        if (c.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null)
                            throw Invalid(n, key, $"{key} other than None is not supported (attention over the sequence axis, output width = query width).");
                    if (p.CallKwargs is { } kw && kw.TryGetProperty("use_causal_mask", out var cm))
                        b.UseCausalMask = cm.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False or JsonValueKind.Null => null,
                            _ => throw Invalid(n, "use_causal_mask", "expected true or false."),
                        };
                    if (p.CallKwargs is { } kw2 && kw2.TryGetProperty("key", out var keyArg) && keyArg.ValueKind != JsonValueKind.Null)
                    {
                        var keyNames = new List<string>();
                        CollectHistory(keyArg, keyNames, n, 0);
                        if (keyNames.Count == 1 && b.Inputs is { Length: 2 } qv && keyNames[0] != qv[1])
                            b.Inputs = [qv[0], qv[1], keyNames[0] == _inputName ? ShapeInference.InputName : keyNames[0]];
                    }
                    break;
                case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
                    b.IntermediateDim = Int(c, "intermediate_dim", n); b.NumHeads = Int(c, "num_heads", n);
                    b.Dropout = OptDbl(c, "dropout", n); b.Activation = Act(c, "activation", n);
                    b.LayerNormEpsilon = OptDbl(c, "layer_norm_epsilon", n); b.NormalizeFirst = OptBool(c, "normalize_first", n);
                    if (b.Inputs is { Length: > 1 })
                        throw Invalid(n, "inbound_nodes", $"{p.ClassName} called on {b.Inputs.Length} tensors (an encoder sequence or masks) is not supported; only the decoder-only (GPT) and encoder forms are.");
                    break;
                case LayerTypes.Reshape:
                    b.TargetShape = Shape(Arr(c, "target_shape", $"layer '{n}'"), "target_shape", n, allowNegative: true);
                    break;
                case LayerTypes.Cropping1D:
                    if (c.TryGetProperty("cropping", out var cr) && cr.ValueKind != JsonValueKind.Null)
                        b.Cropping = cr.ValueKind == JsonValueKind.Number ? [IntValue(cr, "cropping", n)] : Shape(cr, "cropping", n, allowZero: true);
                    break;
                case LayerTypes.ZeroPadding2D:
                    if (c.TryGetProperty("padding", out var zp))
                    {
                        if (zp.ValueKind == JsonValueKind.Number) b.ZeroPadding = [IntValue(zp, "padding", n)];
                        else if (zp.ValueKind == JsonValueKind.Array)
                        {
                            var parts = zp.EnumerateArray().ToArray();
                            if (parts.Length == 2 && parts.All(x => x.ValueKind == JsonValueKind.Array))
                            {
                                var r = Shape(parts[0], "padding", n, allowZero: true); var cc = Shape(parts[1], "padding", n, allowZero: true);
                                if (r.Length != 2 || cc.Length != 2) throw Invalid(n, "padding", "expected [[top, bottom], [left, right]].");
                                b.ZeroPadding = [r[0], r[1], cc[0], cc[1]];
                            }
                            else b.ZeroPadding = Shape(zp, "padding", n, allowZero: true);
                        }
                        else throw Invalid(n, "padding", "expected an int or a list.");
                    }
                    ChannelsLast(c, n);
                    break;
            }
            foreach (var (option, _) in LayerOptions.Regularizers)
                if (LayerOptions.IsAllowed(type, option) && Regularizer(c, option, n) is { } reg) b.SetRegularizer(option, reg);
            foreach (var key in new[] { "activity_regularizer", "kernel_constraint", "bias_constraint", "recurrent_constraint",
                         "depthwise_constraint", "pointwise_constraint", "beta_constraint", "gamma_constraint", "embeddings_constraint" })
                if (c.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null)
                    throw Invalid(n, key, key == "activity_regularizer"
                        ? "activity regularization (a penalty on the layer's output) is not applied by the engine; remove it."
                        : "weight constraints are not applied by the engine; remove the constraint.");
            if (c.TryGetProperty("trainable", out var tr) && tr.ValueKind == JsonValueKind.False)
                throw Invalid(n, "trainable", "frozen layers (trainable: false) are not supported.");
            return b.Build();
        }

        /// <summary>A Keras regularizer config: {"class_name": "L2", "config": {"l2": 0.001}} (Keras 2 and 3), L1, L1L2; null when absent.</summary>
        private Regularizer? Regularizer(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var r) || r.ValueKind == JsonValueKind.Null) return null;
            if (r.ValueKind == JsonValueKind.String)
                return RegularizerValues.From(r.GetString(), key, (_, _, reason) => Invalid(layer, key, reason));
            if (r.ValueKind != JsonValueKind.Object) throw Invalid(layer, key, "expected a regularizer config object or null.");
            var cls = Str(r, "class_name", $"{layer}.{key}");
            var cfg = r.TryGetProperty("config", out var cf) && cf.ValueKind == JsonValueKind.Object ? cf : default;
            double Factor(string k, double fallback)
            {
                if (cfg.ValueKind != JsonValueKind.Object || !cfg.TryGetProperty(k, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !(d >= 0) || double.IsInfinity(d))
                    throw Invalid(layer, key, $"{k} must be a non-negative number.");
                return d;
            }
            return cls switch
            {
                "L1" or "l1" => new Regularizer { L1 = Factor("l1", Specs.Regularizer.KerasDefault) },
                "L2" or "l2" => new Regularizer { L2 = Factor("l2", Specs.Regularizer.KerasDefault) },
                "L1L2" or "l1_l2" => new Regularizer { L1 = Factor("l1", 0), L2 = Factor("l2", 0) },
                _ => throw Invalid(layer, key, $"regularizer '{cls}' is not supported; only L1, L2 and L1L2 are applied in training."),
            };
        }

        /// <summary>
        /// BatchNormalization / LayerNormalization: both γ and β (center, scale) and one axis, which is checked to be
        /// the channels (last) axis once shapes are known.
        /// </summary>
        private void Normalization(JsonElement c, string n, int index, List<(int, int, string)> axesToCheck)
        {
            foreach (var flag in new[] { "center", "scale" })
                if (c.TryGetProperty(flag, out var f) && f.ValueKind == JsonValueKind.False)
                    throw Invalid(n, flag, $"{flag}=False (no {(flag == "center" ? "beta" : "gamma")}) is not supported.");
            if (c.TryGetProperty("axis", out var ax) && ax.ValueKind != JsonValueKind.Null)
            {
                var axes = ax.ValueKind == JsonValueKind.Array ? Shape(ax, "axis", n, allowNegative: true) : [IntValue(ax, "axis", n)];
                if (axes.Length != 1) throw Invalid(n, "axis", "normalising over several axes is not supported.");
                axesToCheck.Add((index, axes[0], n));
            }
        }

        /// <summary>The spec type for a Keras class name, or null when it cannot be costed. ReLU and Softmax layers are activations.</summary>
        private static string? KerasType(string className) => className switch
        {
            "ReLU" or "Softmax" or "LeakyReLU" => LayerTypes.Activation,
            "ReversibleEmbedding" => LayerTypes.Embedding, // KerasNLP's tied token embedding (GPT-2): same table
            "MultiHeadAttention" => LayerTypes.MultiHeadAttention,
            _ when className.Contains('_') => null, // snake_case name prefixes are not Keras class names
            _ => LayerTypes.TryCanonicalize(className, out var t) ? t : null,
        };

        // ---- graph ---------------------------------------------------------------------------

        /// <summary>The names of the layers feeding a Functional layer, Keras 2 or Keras 3 style.</summary>
        private string[]? Inbound(JsonElement layer, string name)
        {
            if (!layer.TryGetProperty("inbound_nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array) return null;
            int count = nodes.GetArrayLength();
            if (count == 0) return null;
            if (count > 1) throw Invalid(name, "inbound_nodes", "the layer is called more than once (a shared layer); shared layers are not supported.");
            var node = nodes[0];
            var names = new List<string>();
            if (node.ValueKind == JsonValueKind.Array)
            {
                // Keras 2: [["name", node_index, tensor_index, {kwargs}], ...]
                foreach (var r in node.EnumerateArray())
                {
                    if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() < 1 || r[0].ValueKind != JsonValueKind.String)
                        throw Invalid(name, "inbound_nodes", "expected [layer_name, node_index, tensor_index, kwargs] entries.");
                    names.Add(r[0].GetString()!);
                }
            }
            else if (node.ValueKind == JsonValueKind.Object)
            {
                // Keras 3: {"args": [tensor | [tensors]], "kwargs": {}} with tensor.config.keras_history = [name, node, index]
                if (node.TryGetProperty("args", out var args)) CollectHistory(args, names, name, 0);
            }
            else throw Invalid(name, "inbound_nodes", "unrecognised inbound node format.");
            if (names.Count == 0) throw Invalid(name, "inbound_nodes", "no input tensors found.");
            return names.ToArray();
        }

        /// <summary>Keras 3 call keyword arguments of a layer's (single) inbound node, e.g. use_causal_mask.</summary>
        private static JsonElement? CallKwargs(JsonElement layer)
        {
            if (!layer.TryGetProperty("inbound_nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array || nodes.GetArrayLength() != 1) return null;
            var node = nodes[0];
            return node.ValueKind == JsonValueKind.Object && node.TryGetProperty("kwargs", out var kw) && kw.ValueKind == JsonValueKind.Object ? kw : null;
        }

        /// <summary>The InputLayer's dtype: int32/int64 means token ids; float types are the default.</summary>
        private string? Dtype(JsonElement cfg, string layer)
        {
            if (!cfg.TryGetProperty("dtype", out var d)) return null;
            string? text = d.ValueKind switch
            {
                JsonValueKind.String => d.GetString(),
                // Keras 3 may write a DTypePolicy object: {"class_name": "DTypePolicy", "config": {"name": "int32"}}.
                JsonValueKind.Object when d.TryGetProperty("config", out var dc) && dc.ValueKind == JsonValueKind.Object
                    && dc.TryGetProperty("name", out var dn) && dn.ValueKind == JsonValueKind.String => dn.GetString(),
                _ => null,
            };
            if (text is null || text.StartsWith("float", StringComparison.Ordinal) || text == "bfloat16") return null;
            if (InputDtypes.TryNormalize(text, out var norm)) return norm;
            throw Invalid(layer, "dtype", $"input dtype '{Clip(text)}' is not supported; use a float type or int32 token ids.");
        }

        private void CollectHistory(JsonElement e, List<string> names, string layer, int depth)
        {
            if (depth > 8) throw Invalid(layer, "inbound_nodes", "inbound tensors are nested too deeply.");
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in e.EnumerateArray()) CollectHistory(x, names, layer, depth + 1);
            }
            else if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.Object
                     && cfg.TryGetProperty("keras_history", out var h))
            {
                if (h.ValueKind != JsonValueKind.Array || h.GetArrayLength() < 1 || h[0].ValueKind != JsonValueKind.String)
                    throw Invalid(layer, "keras_history", "expected [layer_name, node_index, tensor_index].");
                names.Add(h[0].GetString()!);
            }
        }

        private static int CountRefs(JsonElement refs)
        {
            // [["name", 0, 0], ...] or a single ["name", 0, 0] (Keras 3 for one tensor)
            if (refs.GetArrayLength() > 0 && refs[0].ValueKind == JsonValueKind.String) return 1;
            return refs.GetArrayLength();
        }

        private static string? FirstRef(JsonElement refs)
        {
            if (refs.GetArrayLength() == 0) return null;
            var f = refs[0];
            if (f.ValueKind == JsonValueKind.String) return f.GetString();
            return f.ValueKind == JsonValueKind.Array && f.GetArrayLength() > 0 && f[0].ValueKind == JsonValueKind.String ? f[0].GetString() : null;
        }

        // ---- typed access -------------------------------------------------------------------

        private int[]? BatchShape(JsonElement cfg, string layer)
        {
            foreach (var key in new[] { "batch_shape", "batch_input_shape" })
                if (cfg.TryGetProperty(key, out var s) && s.ValueKind == JsonValueKind.Array) return Shape(s, key, layer);
            return null;
        }

        /// <summary>A shape that includes the batch dimension (dropped); every other dimension must be known.</summary>
        private int[] Shape(JsonElement s, string key, string? layer) => Shape(s, key, layer, batch: true);

        private int[] Shape(JsonElement s, string key, string? layer, bool batch = false, bool allowNegative = false, bool allowZero = false)
        {
            if (s.ValueKind != JsonValueKind.Array) throw Invalid(layer, key, "expected a list of integers.");
            var items = s.EnumerateArray().ToArray();
            if (items.Length > 16) throw Invalid(layer, key, $"{items.Length} dimensions are more than supported (16).");
            var start = batch && items.Length > 0 ? 1 : 0;
            var r = new int[items.Length - start];
            for (int i = start; i < items.Length; i++)
            {
                if (items[i].ValueKind == JsonValueKind.Null)
                    throw Invalid(layer, key, $"dimension {i} is unknown (null); costing needs a fixed input shape.");
                int v = IntValue(items[i], key, layer);
                if ((v < 0 && !allowNegative) || (v == 0 && !allowZero && !allowNegative))
                    throw Invalid(layer, key, $"dimension {i} is {v}; it must be positive.");
                r[i - start] = v;
            }
            return r;
        }

        private int IntValue(JsonElement e, string key, string? layer)
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v)) return v;
            if (e.ValueKind == JsonValueKind.Number)
                throw Invalid(layer, key, $"{Clip(e.GetRawText())} is not an integer in the supported range ({int.MinValue} to {int.MaxValue}).");
            throw Invalid(layer, key, $"expected an integer, found {e.ValueKind}.");
        }

        private int Int(JsonElement c, string key, string layer) =>
            c.TryGetProperty(key, out var e) ? IntValue(e, key, layer) : throw Invalid(layer, key, $"missing '{key}'.");

        private int? OptInt(JsonElement c, string key, string layer) =>
            c.TryGetProperty(key, out var e) && e.ValueKind != JsonValueKind.Null ? IntValue(e, key, layer) : null;

        private int[] Ints(JsonElement c, string key, string layer) =>
            OptInts(c, key, layer) ?? throw Invalid(layer, key, $"missing '{key}'.");

        private int[]? OptInts(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind == JsonValueKind.Number) return [IntValue(e, key, layer)];
            return Shape(e, key, layer, allowNegative: true);
        }

        private double Dbl(JsonElement c, string key, string layer) =>
            OptDbl(c, key, layer) ?? throw Invalid(layer, key, $"missing '{key}'.");

        private double? OptDbl(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d)) return d;
            throw Invalid(layer, key, $"expected a number, found {Clip(e.GetRawText())}.");
        }

        private bool? OptBool(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            return e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid(layer, key, $"expected true or false, found {Clip(e.GetRawText())}."),
            };
        }

        private string? Padding(JsonElement c, string layer)
        {
            if (!c.TryGetProperty("padding", out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.String) throw Invalid(layer, "padding", "expected 'valid' or 'same'.");
            var p = e.GetString()!;
            if (p is not ("valid" or "same")) throw Invalid(layer, "padding", $"padding '{Clip(p)}' is not supported (only valid and same).");
            return p;
        }

        private string? Act(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            string? name = e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                // Keras 3 may serialise a built-in activation as {"module": "keras.activations", "class_name": "function", "config": "relu"}.
                JsonValueKind.Object when e.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.String => cfg.GetString(),
                JsonValueKind.Object when e.TryGetProperty("class_name", out var cn) && cn.ValueKind == JsonValueKind.String => cn.GetString(),
                _ => null,
            };
            if (name is null || !Activations.TryNormalize(name, out var norm))
                throw Invalid(layer, key, $"activation {Clip(e.GetRawText())} is not supported. Known: {string.Join(", ", Activations.All)}.");
            return norm;
        }

        private void RequireOnes(JsonElement c, string key, string layer)
        {
            if (!c.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return;
            var v = e.ValueKind == JsonValueKind.Number ? [IntValue(e, key, layer)] : Shape(e, key, layer, allowNegative: true);
            if (v.Any(x => x != 1)) throw Invalid(layer, key, $"{key} other than 1 is not supported.");
        }

        private void ChannelsLast(JsonElement c, string layer)
        {
            if (c.TryGetProperty("data_format", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() != "channels_last")
                throw Invalid(layer, "data_format", $"data_format '{Clip(e.GetString()!)}' is not supported; shapes are channels_last as in Keras' default.");
        }

        private string Str(JsonElement o, string key, string where) =>
            o.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(null, null, $"{where} has no string '{key}'.");

        private JsonElement Obj(JsonElement o, string key, string where) =>
            o.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.Object ? e : throw Invalid(null, null, $"{where} has no object '{key}'.");

        private JsonElement Arr(JsonElement o, string key, string where) =>
            o.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.Array ? e : throw Invalid(null, null, $"{where} has no list '{key}'.");

        private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";

        private ModelCostException Invalid(string? layer, string? option, string reason) =>
            new(ErrorIds.KerasConfigInvalid, ModelCostErrorCategory.InvalidData,
                $"{src}: {(layer is null ? "" : $"layer '{layer}'{(option is null ? "" : $", option '{option}'")}: ")}{reason}", layer ?? file)
            { File = file, LayerName = layer, Option = option };
    }
}
