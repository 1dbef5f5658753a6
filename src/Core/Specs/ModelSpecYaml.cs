using System.Globalization;
using System.Text;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Reads and writes model specs as YAML:
/// <code>
/// apiVersion: modelcost/v1
/// kind: ModelSpec
/// metadata: {name: CNN, description: optional}
/// spec:
///   inputShape: [28, 28, 1]
///   layers:
///     - {type: Conv2D, filters: 16, kernel_size: 3, activation: relu}
///     - "MaxPooling2D((2, 2))"
/// </code>
/// Layers are mappings with Keras' snake_case option names or Keras-style strings. YAML is read
/// through YamlDotNet's event parser and mapped by hand (no tag creates a .NET type); every error
/// carries a line and column. Parsing also resolves the model, so a bad spec fails at import.
/// </summary>
public static class ModelSpecYaml
{
    public const string ApiVersion = "modelcost/v1";
    public const string Kind = "ModelSpec";

    private static readonly string[] RootKeys = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] MetadataKeys = ["name", "description"];
    private static readonly string[] SpecKeys = ["inputShape", "inputDtype", "layers"];

    /// <summary>Parses a YAML spec; <paramref name="sourceName"/> (a file name) is used in error messages and <see cref="ModelCostException.File"/>.</summary>
    public static ModelSpec Parse(string yaml, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var m = new Mapper(sourceName);
        var root = YamlTreeReader.Read(yaml, m.Source, sourceName);
        return m.Map(root);
    }

    /// <summary>Reads and parses a YAML spec file.</summary>
    public static ModelSpec Load(string path) => Parse(SpecFile.ReadText(path), path);

    /// <summary>Writes <paramref name="spec"/> as YAML holding only the options that are set, so <c>Parse(Serialize(s))</c> equals <c>s</c>.</summary>
    public static string Serialize(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sb = new StringBuilder();
        sb.Append("apiVersion: ").Append(ApiVersion).Append('\n');
        sb.Append("kind: ").Append(Kind).Append('\n');
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(Str(spec.Name)).Append('\n');
        if (spec.Description is not null) sb.Append("  description: ").Append(Str(spec.Description)).Append('\n');
        sb.Append("spec:\n");
        sb.Append("  inputShape: ").Append(Ints(spec.InputShape)).Append('\n');
        if (spec.InputDtype is not null) sb.Append("  inputDtype: ").Append(Str(spec.InputDtype)).Append('\n');
        sb.Append("  layers:\n");
        for (int index = 0; index < spec.Layers.Count; index++)
        {
            var l = spec.Layers[index];
            bool first = true;
            void Put(string key, string value)
            {
                // Refuse what Parse would reject, so that Parse(Serialize(s)) always equals s.
                if (key != LayerOptions.Type && LayerTypes.TryCanonicalize(l.Type, out var canonical) && !LayerOptions.IsAllowed(canonical, key))
                    throw new ModelCostException(ErrorIds.UnknownLayerOption, ModelCostErrorCategory.InvalidArgument,
                        $"Layer {index} '{l}': option '{key}' does not apply to {canonical}, so it cannot be written. {LayerOptions.Describe(canonical)}", l)
                    { LayerIndex = index, LayerName = l.Name, Option = key };
                sb.Append(first ? "    - " : "      ").Append(key).Append(": ").Append(value).Append('\n');
                first = false;
            }
            Put(LayerOptions.Type, Str(l.Type));
            if (l.Name is not null) Put(LayerOptions.Name, Str(l.Name));
            if (l.Inputs is not null) Put(LayerOptions.Inputs, "[" + string.Join(", ", l.Inputs.Select(Str)) + "]");
            if (l.Units is { } u) Put(LayerOptions.Units, Int(u));
            if (l.Filters is { } f) Put(LayerOptions.Filters, Int(f));
            if (l.KernelSize is not null) Put(LayerOptions.KernelSize, IntOrInts(l.KernelSize));
            if (l.Strides is not null) Put(LayerOptions.Strides, IntOrInts(l.Strides));
            // YAML has one 'padding' key: a mode (valid/same) for most types, amounts for ZeroPadding2D.
            bool zeroPadType = LayerTypes.TryCanonicalize(l.Type, out var ct) && ct == LayerTypes.ZeroPadding2D;
            if ((l.Padding is not null && zeroPadType) || (l.ZeroPadding is not null && !zeroPadType))
                throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                    zeroPadType ? $"Layer {index} '{l}': ZeroPadding2D takes padding amounts (ZeroPadding), not the padding mode '{l.Padding}'."
                                : $"Layer {index} '{l}': ZeroPadding amounts apply only to ZeroPadding2D.", l)
                { LayerIndex = index, LayerName = l.Name, Option = "padding" };
            if (l.Padding is not null) Put(LayerOptions.Padding, Str(l.Padding));
            if (l.ZeroPadding is not null) Put(LayerOptions.Padding, ZeroPad(l.ZeroPadding));
            if (l.Activation is not null) Put(LayerOptions.Activation, Str(l.Activation));
            if (l.RecurrentActivation is not null) Put(LayerOptions.RecurrentActivation, Str(l.RecurrentActivation));
            if (l.UseBias is { } ub) Put(LayerOptions.UseBias, Bool(ub));
            if (l.PoolSize is not null) Put(LayerOptions.PoolSize, IntOrInts(l.PoolSize));
            if (l.Rate is { } r) Put(LayerOptions.Rate, Dbl(r));
            if (l.DepthMultiplier is { } dm) Put(LayerOptions.DepthMultiplier, Int(dm));
            if (l.ReturnSequences is { } rs) Put(LayerOptions.ReturnSequences, Bool(rs));
            if (l.Epsilon is { } e) Put(LayerOptions.Epsilon, Dbl(e));
            if (l.Momentum is { } mo) Put(LayerOptions.Momentum, Dbl(mo));
            if (l.ResetAfter is { } ra) Put(LayerOptions.ResetAfter, Bool(ra));
            if (l.RecurrentBias is { } rb) Put(LayerOptions.RecurrentBias, Bool(rb));
            if (l.Axis is { } ax) Put(LayerOptions.Axis, Int(ax));
            if (l.InputDim is { } idim) Put(LayerOptions.InputDim, Int(idim));
            if (l.OutputDim is { } odim) Put(LayerOptions.OutputDim, Int(odim));
            if (l.ConstantId is { } cid) Put(LayerOptions.ConstantId, Int(cid));
            if (l.SequenceLength is { } sl) Put(LayerOptions.SequenceLength, Int(sl));
            if (l.NumHeads is { } nh) Put(LayerOptions.NumHeads, Int(nh));
            if (l.KeyDim is { } kd) Put(LayerOptions.KeyDim, Int(kd));
            if (l.ValueDim is { } vd) Put(LayerOptions.ValueDim, Int(vd));
            if (l.IntermediateDim is { } im) Put(LayerOptions.IntermediateDim, Int(im));
            if (l.Dropout is { } dr) Put(LayerOptions.Dropout, Dbl(dr));
            if (l.LayerNormEpsilon is { } lne) Put(LayerOptions.LayerNormEpsilon, Dbl(lne));
            if (l.UseCausalMask is { } ucm) Put(LayerOptions.UseCausalMask, Bool(ucm));
            if (l.NormalizeFirst is { } nf) Put(LayerOptions.NormalizeFirst, Bool(nf));
            if (l.TargetShape is not null) Put(LayerOptions.TargetShape, Ints(l.TargetShape));
            if (l.Cropping is not null) Put(LayerOptions.Cropping, IntOrInts(l.Cropping));
            if (l.Dims is not null) Put(LayerOptions.Dims, Ints(l.Dims));
            if (l.NegativeSlope is { } ns) Put(LayerOptions.NegativeSlope, Dbl(ns));
            foreach (var (option, _) in LayerOptions.Regularizers)
                if (LayerOptions.RegularizerOption(l, option) is { } reg) Put(option, Reg(reg));
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="spec"/> as YAML to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Save(ModelSpec spec, string path, bool overwrite, CancellationToken ct = default) =>
        AtomicFile.WriteText(path, Serialize(spec), overwrite, ct);

    // ---- writing helpers -------------------------------------------------------------------

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Ints(IEnumerable<int> v) => "[" + string.Join(", ", v.Select(Int)) + "]";
    private static string IntOrInts(int[] v) => v.Length == 1 ? Int(v[0]) : Ints(v);
    private static string Bool(bool b) => b ? "true" : "false";

    /// <summary>A regularizer as a flow mapping: {l2: 0.001}, {l1: 0.01}, or {l1: 0.01, l2: 0.01}.</summary>
    private static string Reg(Regularizer r) =>
        r.L1 != 0 && r.L2 == 0 ? $"{{l1: {Dbl(r.L1)}}}" : r.L1 == 0 ? $"{{l2: {Dbl(r.L2)}}}" : $"{{l1: {Dbl(r.L1)}, l2: {Dbl(r.L2)}}}";

    private static string ZeroPad(int[] p) => p.Length switch
    {
        1 => Int(p[0]),
        4 => $"[[{Int(p[0])}, {Int(p[1])}], [{Int(p[2])}, {Int(p[3])}]]",
        _ => Ints(p),
    };

    private static string Dbl(double d)
    {
        if (double.IsNaN(d)) return ".nan";
        if (double.IsPositiveInfinity(d)) return ".inf";
        if (double.IsNegativeInfinity(d)) return "-.inf";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    { "null", "true", "false", "yes", "no", "on", "off", "y", "n", "~" };

    /// <summary>A string plain when it cannot be misread, else double-quoted with escapes.</summary>
    private static string Str(string s)
    {
        bool plain = s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && !Reserved.Contains(s)
            && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');
        if (plain) return s;
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\u0085')
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    // ---- reading ---------------------------------------------------------------------------

    private sealed class Mapper(string? file)
    {
        public string Source { get; } = file ?? "YAML";
        private readonly List<LayerMarks> _marks = [];
        private YamlNode? _inputShapeNode, _layersNode, _nameNode;
        private bool _tokenInput; // a layer string's input_length (Keras 2 Embedding) declared token ids

        private sealed record LayerMarks(YamlNode Node, Dictionary<string, YamlNode> Options);

        public ModelSpec Map(YamlNode root)
        {
            var top = Mapping(root, "the document", RootKeys);
            var api = Required(top, root, "apiVersion");
            var apiValue = String(api, "apiVersion");
            if (apiValue != ApiVersion)
                throw new ModelCostException(ErrorIds.UnknownApiVersion, ModelCostErrorCategory.InvalidData,
                    $"{At(api)}: unknown apiVersion '{apiValue}'; this module reads '{ApiVersion}'.", apiValue)
                { File = file, Line = api.Line, Column = api.Column, Option = "apiVersion" };
            var kind = Required(top, root, "kind");
            var kindValue = String(kind, "kind");
            if (kindValue != Kind)
                throw new ModelCostException(ErrorIds.UnknownKind, ModelCostErrorCategory.InvalidData,
                    $"{At(kind)}: unknown kind '{kindValue}'; expected '{Kind}'.", kindValue)
                { File = file, Line = kind.Line, Column = kind.Column, Option = "kind" };

            var metaNode = Required(top, root, "metadata");
            var meta = Mapping(metaNode, "metadata", MetadataKeys);
            _nameNode = Required(meta, metaNode, "name");
            var name = String(_nameNode, "metadata.name");
            if (string.IsNullOrWhiteSpace(name)) throw Schema(_nameNode, "metadata.name must not be empty.");
            string? description = meta.TryGetValue("description", out var dn) ? OptionalString(dn, "metadata.description") : null;

            var specNode = Required(top, root, "spec");
            var spec = Mapping(specNode, "spec", SpecKeys);
            int[]? inputShape = null;
            if (spec.TryGetValue("inputShape", out var isn))
            {
                _inputShapeNode = isn;
                inputShape = IntList(isn, "spec.inputShape");
            }
            string? inputDtype = null;
            if (spec.TryGetValue("inputDtype", out var dtn))
            {
                var text = String(dtn, "spec.inputDtype");
                if (!InputDtypes.TryNormalize(text, out var dt))
                    throw Schema(dtn, $"spec.inputDtype '{text}' is not known; use float32 (the default) or int32 (token ids).");
                inputDtype = dt == InputDtypes.Float32 ? null : dt;
            }
            _layersNode = Required(spec, specNode, "layers");
            if (_layersNode is not YamlSequenceNode layerSeq)
                throw Schema(_layersNode, $"spec.layers must be a list of layers, not {_layersNode.KindName}.");

            var layers = new List<LayerSpec>(layerSeq.Items.Count);
            for (int i = 0; i < layerSeq.Items.Count; i++)
            {
                var (layer, shape) = Layer(layerSeq.Items[i], i);
                if (shape is not null)
                {
                    if (i != 0)
                        throw Schema(layerSeq.Items[i], $"layer {i}: input_shape is only meaningful on the first layer.");
                    if (inputShape is null) inputShape = shape;
                    else if (!inputShape.AsSpan().SequenceEqual(shape))
                        throw Schema(layerSeq.Items[i], $"layer 0: input_shape {ShapeText.Format(shape)} disagrees with spec.inputShape {ShapeText.Format(inputShape)}.");
                }
                layers.Add(layer);
            }
            if (inputShape is null)
                throw Schema(specNode, "spec needs 'inputShape' (the input shape without the batch dimension, e.g. [28, 28, 1]).");
            if (_tokenInput && !spec.ContainsKey("inputDtype")) inputDtype = InputDtypes.Int32;

            var result = new ModelSpec { Name = name, Description = description, InputShape = inputShape, Layers = layers, InputDtype = inputDtype };
            try
            {
                ShapeInference.Resolve(result);
            }
            catch (ModelCostException ex) when (ex.Line is null)
            {
                throw Decorate(ex);
            }
            return result;
        }

        private ModelCostException Decorate(ModelCostException ex)
        {
            // Errors without a layer are about the input shape (invalid, or too many elements) or the layer list.
            YamlNode where = ex.ErrorId is ErrorIds.InvalidInputShape or ErrorIds.ShapeOverflow
                ? _inputShapeNode ?? _layersNode! : _layersNode!;
            if (ex.LayerIndex is int i && i >= 0 && i < _marks.Count)
            {
                var m = _marks[i];
                where = m.Node;
                var key = ex.Option is null ? null : ex.Option == "type" ? LayerOptions.Type : ex.Option;
                if (key is not null && m.Options.TryGetValue(key, out var optNode)) where = optNode;
            }
            return new ModelCostException(ex.ErrorId, ex.Category, $"{At(where)}: {ex.Message}", ex.Target, ex)
            {
                File = file, Line = where.Line, Column = where.Column,
                LayerIndex = ex.LayerIndex, LayerName = ex.LayerName, Option = ex.Option,
            };
        }

        private (LayerSpec, int[]?) Layer(YamlNode node, int index)
        {
            if (node is YamlScalarNode s)
            {
                _marks.Add(new LayerMarks(node, []));
                try
                {
                    var (layer, shape, tokens) = LayerSpecParser.ParseWithInput(s.Value);
                    if (tokens) _tokenInput = true;
                    return (layer, shape);
                }
                catch (ModelCostException ex)
                {
                    throw new ModelCostException(ex.ErrorId, ex.Category, $"{At(node)}: layer {index}: {ex.Message}", ex.Target, ex)
                    { File = file, Line = node.Line, Column = node.Column, LayerIndex = index, Option = ex.Option };
                }
            }
            if (node is not YamlMappingNode map)
                throw Schema(node, $"layer {index} must be a mapping (type: ..., options) or a Keras-style string, not {node.KindName}.");

            // Read the type first: which keys are valid, and what 'padding' means, depend on it.
            var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, _) in map.Pairs)
            {
                var key = KeyText(k);
                if (!seen.TryAdd(key, k))
                    throw Schema(k, $"layer {index}: duplicate key '{key}' (first at line {seen[key].Line}).");
            }
            var typeNode = map.Pairs.FirstOrDefault(p => KeyText(p.Key) == LayerOptions.Type).Value;
            if (typeNode is null)
                throw Schema(node, $"layer {index} has no 'type' (e.g. type: Dense).");
            var typeText = String(typeNode, "type");
            if (!LayerTypes.TryCanonicalize(typeText, out var type))
                throw new ModelCostException(ErrorIds.UnknownLayerType, ModelCostErrorCategory.InvalidArgument,
                    $"{At(typeNode)}: layer {index}: unknown layer type '{typeText}'.{Suggest.Hint(typeText, LayerTypes.All)} Known types: {string.Join(", ", LayerTypes.All)}.", typeText)
                { File = file, Line = typeNode.Line, Column = typeNode.Column, LayerIndex = index, Option = "type" };

            var b = new LayerSpecBuilder { Type = type };
            var options = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            _marks.Add(new LayerMarks(node, options));
            foreach (var (k, v) in map.Pairs)
            {
                var key = KeyText(k);
                options[key] = v;
                if (key == LayerOptions.Type) continue;
                if (!LayerOptions.IsAllowed(type, key))
                {
                    bool known = LayerOptions.All.Contains(key);
                    var near = known ? null : Suggest.Closest(key, LayerOptions.All);
                    var hint = key is "input_shape" or "input_dim" ? " In YAML the model input goes in spec.inputShape."
                        : near is null ? "" : LayerOptions.IsAllowed(type, near) ? $" Did you mean '{near}'?" : $" (The nearest option, '{near}', does not apply to {type} either.)";
                    throw new ModelCostException(ErrorIds.UnknownLayerOption, ModelCostErrorCategory.InvalidArgument,
                        $"{At(k)}: layer {index} ({type}): {(known ? $"option '{key}' does not apply to {type}." : $"unknown option '{key}'.")}{hint} {LayerOptions.Describe(type)}", key)
                    { File = file, Line = k.Line, Column = k.Column, LayerIndex = index, Option = key };
                }
                string what = $"layer {index} ({type}) option '{key}'";
                switch (key)
                {
                    case LayerOptions.Name: b.Name = OptionalString(v, what); break;
                    case LayerOptions.Inputs: b.Inputs = StringOrList(v, what); break;
                    case LayerOptions.Units: b.Units = OptionalInt(v, what); break;
                    case LayerOptions.Filters: b.Filters = OptionalInt(v, what); break;
                    case LayerOptions.KernelSize: b.KernelSize = IntOrList(v, what); break;
                    case LayerOptions.Strides: b.Strides = IntOrList(v, what); break;
                    case LayerOptions.PoolSize: b.PoolSize = IntOrList(v, what); break;
                    case LayerOptions.Dims: b.Dims = IntOrList(v, what); break;
                    case LayerOptions.Padding:
                        if (type == LayerTypes.ZeroPadding2D) b.ZeroPadding = ZeroPadding(v, what);
                        else b.Padding = LayerSpecBuilder.NormalizePadding(OptionalString(v, what));
                        break;
                    case LayerOptions.Activation: b.Activation = LayerSpecBuilder.NormalizeActivation(OptionalString(v, what)); break;
                    case LayerOptions.RecurrentActivation: b.RecurrentActivation = LayerSpecBuilder.NormalizeActivation(OptionalString(v, what)); break;
                    case LayerOptions.UseBias: b.UseBias = OptionalBool(v, what); break;
                    case LayerOptions.ReturnSequences: b.ReturnSequences = OptionalBool(v, what); break;
                    case LayerOptions.ResetAfter: b.ResetAfter = OptionalBool(v, what); break;
                    case LayerOptions.RecurrentBias: b.RecurrentBias = OptionalBool(v, what); break;
                    case LayerOptions.Rate: b.Rate = OptionalDouble(v, what); break;
                    case LayerOptions.Epsilon: b.Epsilon = OptionalDouble(v, what); break;
                    case LayerOptions.Momentum: b.Momentum = OptionalDouble(v, what); break;
                    case LayerOptions.DepthMultiplier: b.DepthMultiplier = OptionalInt(v, what); break;
                    case LayerOptions.Axis: b.Axis = OptionalInt(v, what); break;
                    case LayerOptions.InputDim: b.InputDim = OptionalInt(v, what); break;
                    case LayerOptions.OutputDim: b.OutputDim = OptionalInt(v, what); break;
                    case LayerOptions.ConstantId: b.ConstantId = OptionalInt(v, what); break;
                    case LayerOptions.SequenceLength: b.SequenceLength = OptionalInt(v, what); break;
                    case LayerOptions.NumHeads: b.NumHeads = OptionalInt(v, what); break;
                    case LayerOptions.KeyDim: b.KeyDim = OptionalInt(v, what); break;
                    case LayerOptions.ValueDim: b.ValueDim = OptionalInt(v, what); break;
                    case LayerOptions.IntermediateDim: b.IntermediateDim = OptionalInt(v, what); break;
                    case LayerOptions.Dropout: b.Dropout = OptionalDouble(v, what); break;
                    case LayerOptions.LayerNormEpsilon: b.LayerNormEpsilon = OptionalDouble(v, what); break;
                    case LayerOptions.UseCausalMask: b.UseCausalMask = OptionalBool(v, what); break;
                    case LayerOptions.NormalizeFirst: b.NormalizeFirst = OptionalBool(v, what); break;
                    case LayerOptions.TargetShape: b.TargetShape = SignedList(v, what); break;
                    case LayerOptions.Cropping: b.Cropping = IntOrList(v, what); break;
                    case LayerOptions.NegativeSlope: b.NegativeSlope = OptionalDouble(v, what); break;
                    case var r when LayerOptions.IsRegularizer(r): b.SetRegularizer(r, Regularizer(v, what, key)); break;
                }
            }
            return (b.Build(), null);
        }

        // ---- typed access ----------------------------------------------------------------

        private Dictionary<string, YamlNode> Mapping(YamlNode node, string what, string[] allowed)
        {
            if (node is not YamlMappingNode map)
                throw Schema(node, $"{what} must be a mapping, not {node.KindName}.");
            var d = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Pairs)
            {
                var key = KeyText(k);
                if (!keys.TryAdd(key, k))
                    throw Schema(k, $"duplicate key '{key}' in {what} (first at line {keys[key].Line}).");
                if (!allowed.Contains(key))
                    throw Schema(k, $"unknown key '{key}' in {what}.{Suggest.Hint(key, allowed)} Allowed: {string.Join(", ", allowed)}.");
                d[key] = v;
            }
            return d;
        }

        private YamlNode Required(Dictionary<string, YamlNode> map, YamlNode owner, string key) =>
            map.TryGetValue(key, out var v) ? v : throw Schema(owner, $"missing required key '{key}'.");

        private string KeyText(YamlNode k) =>
            k is YamlScalarNode s ? s.Value : throw Schema(k, $"a key must be a plain name, not {k.KindName}.");

        private static bool IsNull(YamlNode n) => n is YamlScalarNode { Plain: true } s && s.Value is "" or "~" or "null" or "Null" or "NULL";

        private string String(YamlNode n, string what) =>
            OptionalString(n, what) ?? throw Schema(n, $"{what} must be a string, not null.");

        private string? OptionalString(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is YamlScalarNode s) return s.Value;
            throw Schema(n, $"{what} must be a string, not {n.KindName}.");
        }

        private bool? OptionalBool(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is YamlScalarNode { Plain: true } s)
            {
                if (s.Value is "true" or "True" or "TRUE") return true;
                if (s.Value is "false" or "False" or "FALSE") return false;
            }
            throw Schema(n, $"{what} must be true or false, not {Show(n)}.");
        }

        private int? OptionalInt(YamlNode n, string what) => IsNull(n) ? null : Int(n, what);

        private int Int(YamlNode n, string what)
        {
            if (n is YamlScalarNode { Plain: true } s && LooksInteger(s.Value))
            {
                if (int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
                throw new ModelCostException(ErrorIds.YamlSchema, ModelCostErrorCategory.LimitsExceeded,
                    $"{At(n)}: {what}: {Trunc(s.Value)} is beyond the supported integer range ({int.MinValue} to {int.MaxValue}).", s.Value)
                { File = file, Line = n.Line, Column = n.Column };
            }
            throw Schema(n, $"{what} must be an integer, not {Show(n)}.");
        }

        private double? OptionalDouble(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is YamlScalarNode { Plain: true } s)
            {
                switch (s.Value)
                {
                    case ".nan" or ".NaN" or ".NAN": return double.NaN;
                    case ".inf" or "+.inf" or ".Inf" or ".INF": return double.PositiveInfinity;
                    case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
                }
                if (s.Value.Length <= 64 && s.Value.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
                    && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            }
            throw Schema(n, $"{what} must be a number, not {Show(n)}.");
        }

        private int[] IntList(YamlNode n, string what)
        {
            if (n is not YamlSequenceNode seq) throw Schema(n, $"{what} must be a list of integers, e.g. [28, 28, 1], not {Show(n)}.");
            return seq.Items.Select(i => Int(i, what)).ToArray();
        }

        /// <summary>A list of integers that may hold -1 (Reshape's target_shape).</summary>
        private int[]? SignedList(YamlNode n, string what) => IsNull(n) ? null : IntOrList(n, what);

        private int[]? IntOrList(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is YamlSequenceNode seq) return seq.Items.Select(i => Int(i, what)).ToArray();
            return [Int(n, what)];
        }

        private int[]? ZeroPadding(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is not YamlSequenceNode seq) return [Int(n, what)];
            if (seq.Items.Count == 2 && seq.Items.All(i => i is YamlSequenceNode))
            {
                var rows = IntList(seq.Items[0], what);
                var cols = IntList(seq.Items[1], what);
                if (rows.Length != 2 || cols.Length != 2)
                    throw Schema(n, $"{what} must be an int, [rows, cols] or [[top, bottom], [left, right]].");
                return [rows[0], rows[1], cols[0], cols[1]];
            }
            return IntList(n, what);
        }

        /// <summary>A regularizer: {l1: x, l2: y} (either may be left out), a Keras string ('l2', 'l2(0.001)') or null.</summary>
        private Regularizer? Regularizer(YamlNode n, string what, string key)
        {
            if (IsNull(n)) return null;
            LayerOptionValues.Fail fail = (_, _, reason) => Schema(n, $"{what}: {reason}");
            if (n is YamlScalarNode s)
            {
                try { return RegularizerValues.From(s.Value, key, fail); }
                catch (ModelCostException ex) when (ex.Line is null) { throw Schema(n, $"{what}: {ex.Message}"); }
            }
            var map = Mapping(n, what, ["l1", "l2"]);
            if (map.Count == 0) throw Schema(n, $"{what} needs l1 and/or l2, e.g. {{l2: 0.001}}.");
            double Factor(string k)
            {
                if (!map.TryGetValue(k, out var node)) return 0;
                var d = OptionalDouble(node, $"{what} {k}") ?? throw Schema(node, $"{what} {k} must be a number, not null.");
                if (!(d >= 0) || double.IsInfinity(d)) throw Schema(node, $"{what} {k} must be a non-negative finite number.");
                return d;
            }
            return new Regularizer { L1 = Factor("l1"), L2 = Factor("l2") };
        }

        private string[]? StringOrList(YamlNode n, string what)
        {
            if (IsNull(n)) return null;
            if (n is YamlSequenceNode seq) return seq.Items.Select(i => String(i, what)).ToArray();
            return [String(n, what)];
        }

        private static bool LooksInteger(string v)
        {
            if (v.Length == 0) return false;
            int start = v[0] is '-' or '+' ? 1 : 0;
            if (start == v.Length) return false;
            for (int i = start; i < v.Length; i++) if (!char.IsAsciiDigit(v[i])) return false;
            return true;
        }

        private static string Trunc(string v) => v.Length <= 40 ? v : v[..40] + "…";

        private static string Show(YamlNode n) => n is YamlScalarNode s
            ? (s.Plain ? $"'{Trunc(s.Value)}'" : $"the string \"{Trunc(s.Value)}\"")
            : n.KindName;

        private string At(YamlNode n) => $"{Source}:{n.Line}:{n.Column}";

        private ModelCostException Schema(YamlNode n, string message) =>
            new(ErrorIds.YamlSchema, ModelCostErrorCategory.InvalidData, $"{At(n)}: {message}", file)
            { File = file, Line = n.Line, Column = n.Column };
    }
}
