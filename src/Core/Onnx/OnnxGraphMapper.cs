using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Maps an ONNX graph onto spec layers, node by node in topological order. Each mapped node becomes one
/// layer named after the node; nodes that only move data or compute shapes (Identity, Shape, Constant,
/// a Flatten after global pooling, a Transpose into channels-first order) become none. Channels-first
/// images ([N, C, H, W]) become the spec's channels-last shapes; batch is dropped. What cannot be mapped
/// fails naming the node and operator, or is skipped and listed under <see cref="OnnxImportOptions.SkipUnsupported"/>.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    private readonly OnnxGraph _g;
    private readonly OnnxImportOptions _options;
    private readonly Dictionary<string, OnnxTensor> _tensors = new(StringComparer.Ordinal);
    private readonly List<LayerSpec> _layers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal) { ShapeInference.InputName };
    private readonly List<OnnxSkippedNode> _skipped = [];
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absorbed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _weightsByLayer = new(StringComparer.Ordinal);
    private long _initializerParams;
    private int[] _inputShape = [];
    private string? _inputDtype;
    private string _file => _g.File;

    private OnnxGraphMapper(OnnxGraph g, OnnxImportOptions options)
    {
        _g = g;
        _options = options;
    }

    public static OnnxImportResult Map(OnnxGraph g, OnnxImportOptions options, string modelName)
    {
        var m = new OnnxGraphMapper(g, options);
        var order = OnnxGraphOrder.Sort(g);
        m.CountConsumers();
        m.DeclareInputs(order);
        foreach (var node in order)
        {
            if (m._absorbed.Contains(NodeKey(node))) continue;
            m.MapNode(node);
        }
        if (m._layers.Count == 0)
            throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{g.File}: no node of the graph could be mapped to a layer{(m._skipped.Count > 0 ? $" (skipped: {string.Join("; ", m._skipped)})" : "")}.", g.File) { File = g.File };

        var spec = new ModelSpec
        {
            Name = modelName, InputShape = m._inputShape, InputDtype = m._inputDtype, Layers = m._layers,
            Description = m.Describe(),
        };
        m.CheckCounts(spec);
        return new OnnxImportResult
        {
            Spec = spec, Opset = g.Opset, Producer = $"{g.ProducerName} {g.ProducerVersion}".Trim(),
            Skipped = m._skipped, InitializerParams = m._initializerParams,
        };
    }

    private string Describe()
    {
        var text = $"Imported from {Path.GetFileName(_file)} (ONNX IR {_g.IrVersion}, opset {_g.Opset}" +
            (_g.ProducerName.Length > 0 ? $", {_g.ProducerName} {_g.ProducerVersion}".TrimEnd() : "") + ").";
        if (_skipped.Count > 0)
            text += $" Skipped {_skipped.Count} node(s) that cost nothing here: {string.Join("; ", _skipped)}.";
        return text;
    }

    /// <summary>Every layer's parameter count must equal the weights its nodes read from the file.</summary>
    private void CheckCounts(ModelSpec spec)
    {
        ResolvedModel resolved;
        try { resolved = ShapeInference.Resolve(spec); }
        catch (ModelCostException ex)
        {
            throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{_file}: the graph maps onto layers that do not fit together: {ex.Message}", _file, ex) { File = _file, LayerName = ex.LayerName };
        }
        foreach (var l in resolved.Layers)
        {
            _weightsByLayer.TryGetValue(l.Name, out var fromFile);
            if (fromFile != l.Params)
                throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                    $"{_file}: node '{l.Name}' holds {fromFile} weights in its initializers, but a {l.Type} layer of this shape has {l.Params}; the node uses a variant this module cannot cost exactly.", l.Name)
                { File = _file, LayerName = l.Name };
        }
    }

    private static string NodeKey(NodeProto n) => n.Output.Count > 0 ? n.Output[0] : n.Name;

    private void CountConsumers()
    {
        foreach (var n in _g.Nodes)
            foreach (var i in n.Input)
                if (i.Length > 0) _consumers[i] = _consumers.GetValueOrDefault(i) + 1;
        foreach (var o in _g.Outputs) _consumers[o.Name] = _consumers.GetValueOrDefault(o.Name) + 1;
    }

    // ---- Inputs -------------------------------------------------------------------------------

    private void DeclareInputs(IReadOnlyList<NodeProto> order)
    {
        foreach (var (name, init) in _g.Initializers)
            _tensors[name] = new OnnxTensor { Shape = init.Dims, Values = init.Values, Initializer = init };
        var data = _g.Inputs.Where(i => !_g.Initializers.ContainsKey(i.Name)).ToList();
        if (data.Count != 1)
            throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{_file}: the graph has {data.Count} inputs ({string.Join(", ", data.Select(d => d.Name))}); a spec has exactly one.", _file) { File = _file };
        var input = data[0];
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count < 2)
            throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{_file}: input '{input.Name}' needs a shape of at least (batch, features); it declares {(dims is null ? "none" : $"rank {dims.Count}")}.", _file) { File = _file };
        var shape = new long[dims.Count];
        for (int d = 0; d < dims.Count; d++)
        {
            var dim = dims[d];
            bool known = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > 0;
            if (d == 0) { shape[0] = known ? dim.DimValue : 1; continue; }
            if (!known)
                throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                    $"{_file}: input '{input.Name}' has a dimension {d} of unknown size ('{dim.DimParam}'); costs need every dimension but the batch fixed. Export with a fixed input size.", _file)
                { File = _file };
            if (dim.DimValue > int.MaxValue)
                throw new ModelCostException(ErrorIds.ShapeOverflow, ModelCostErrorCategory.LimitsExceeded,
                    $"{_file}: input '{input.Name}' dimension {d} is {dim.DimValue}, beyond the largest supported ({int.MaxValue}).", _file) { File = _file };
            shape[d] = dim.DimValue;
        }
        int elemType = input.Type!.TensorType!.ElemType;
        if (elemType is 6 or 7) _inputDtype = InputDtypes.Int32; // token ids (int32 or int64)
        else if (elemType is not (1 or 10 or 11 or 16))
            throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{_file}: input '{input.Name}' has ONNX element type {elemType}; a spec input holds floats or integer token ids.", _file) { File = _file };
        var t = FeedsImageOps(input.Name, order) ? OnnxTensor.ChannelsFirst(shape, ShapeInference.InputName) : OnnxTensor.Plain(shape, ShapeInference.InputName);
        _tensors[input.Name] = t;
        _inputShape = t.SpecShape;
    }

    /// <summary>Whether a rank ≥ 3 tensor reaches a convolution or pooling through layout-neutral ops (so it is an image, channels first).</summary>
    private bool FeedsImageOps(string tensor, IReadOnlyList<NodeProto> order)
    {
        var frontier = new Queue<string>([tensor]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { tensor };
        while (frontier.Count > 0)
        {
            var t = frontier.Dequeue();
            foreach (var n in order)
            {
                if (!n.Input.Contains(t)) continue;
                if (ImageOps.Contains(n.OpType)) return true;
                if (!LayoutNeutralOps.Contains(n.OpType)) continue;
                foreach (var o in n.Output)
                    if (seen.Add(o)) frontier.Enqueue(o);
            }
        }
        return false;
    }

    private static readonly HashSet<string> ImageOps = ["Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "ConvTranspose"];

    private static readonly HashSet<string> LayoutNeutralOps =
        ["Relu", "Sigmoid", "Tanh", "Clip", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Softplus", "Softsign",
         "BatchNormalization", "Dropout", "Identity", "Add", "Mul", "Sub", "Div", "Pad", "Cast"];

    // ---- Node dispatch ------------------------------------------------------------------------

    private void MapNode(NodeProto node)
    {
        var inputs = new OnnxTensor?[node.Input.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var name = node.Input[i];
            if (name.Length == 0) continue; // an optional input left out
            if (!_tensors.TryGetValue(name, out var t))
                throw new ModelCostException(ErrorIds.OnnxGraphInvalid, ModelCostErrorCategory.InvalidData,
                    $"{_file}: node '{NodeName(node)}' ({node.OpType}) reads '{name}', which no node, input or initializer produces.", NodeName(node)) { File = _file, LayerName = NodeName(node) };
            inputs[i] = t;
        }

        var skippedInput = inputs.FirstOrDefault(t => t?.SkippedBy is not null);
        if (skippedInput is not null)
        {
            Skip(node, $"it reads the result of skipped node '{skippedInput.SkippedBy}'", inputs);
            return;
        }

        bool isStatic = inputs.All(t => t is null || t.IsStatic) && node.OpType != "Shape";
        try
        {
            if (isStatic || node.OpType is "Shape" or "Constant" or "ConstantOfShape")
            {
                FoldStatic(node, inputs);
                return;
            }
            if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
                throw Unsupported(node, $"operator domain '{node.Domain}' is not the default ONNX domain");
            MapData(node, inputs);
        }
        catch (UnsupportedNodeException ex)
        {
            if (!_options.SkipUnsupported)
                throw new ModelCostException(ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented,
                    $"{_file}: node '{NodeName(node)}' ({node.OpType}): {ex.Message}. Skipping unsupported nodes costs the rest of the graph and lists what it skipped.", NodeName(node))
                { File = _file, LayerName = NodeName(node), Option = "op_type" };
            Skip(node, ex.Message, inputs);
        }
    }

    private void Skip(NodeProto node, string reason, OnnxTensor?[] inputs)
    {
        _skipped.Add(new OnnxSkippedNode { Node = NodeName(node), OpType = node.OpType, Reason = reason });
        // A skipped node with one data input keeps that input's result downstream when its output has the input's
        // shape: declared so in the file's value_info, or an elementwise operator whose constant operands broadcast
        // into the data (x / √d, x · 0.5). Otherwise its consumers are skipped in turn.
        var data = inputs.Where(t => t is { IsStatic: false, SkippedBy: null }).ToList();
        bool elementwise = data.Count == 1 && ElementwiseOps.Contains(node.OpType) && node.Output.Count == 1
            && inputs.All(t => t is null || !t.IsStatic || BroadcastsInto(t.Shape, data[0]!.Shape));
        foreach (var o in node.Output)
        {
            if (o.Length == 0) continue;
            var declared = DeclaredShape(o);
            bool same = data.Count >= 1 && declared is not null && declared.Length == data[0]!.Rank && data[0]!.Shape.AsSpan(1).SequenceEqual(declared.AsSpan(1));
            if (same || (elementwise && declared is null))
                _tensors[o] = data[0]!;
            else
                _tensors[o] = new OnnxTensor { Shape = declared ?? [], BatchAxis = 0, SkippedBy = NodeName(node) };
        }
    }

    private static readonly HashSet<string> ElementwiseOps =
        ["Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Neg", "Abs", "Exp", "Log", "Reciprocal", "Cast", "Where", "Max", "Min",
         "Relu", "Sigmoid", "Tanh", "Clip", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Mish", "Gelu"];

    private static bool BroadcastsInto(long[] constant, long[] data)
    {
        if (constant.Length > data.Length) return false;
        for (int i = 1; i <= constant.Length; i++)
            if (constant[^i] != 1 && constant[^i] != data[^i]) return false;
        return true;
    }

    private long[]? DeclaredShape(string tensor)
    {
        var vi = _g.ValueInfo.Concat(_g.Outputs).FirstOrDefault(v => v.Name == tensor);
        var dims = vi?.Type?.TensorType?.Shape?.Dim;
        if (dims is null) return null;
        var s = new long[dims.Count];
        for (int d = 0; d < dims.Count; d++)
        {
            if (dims[d].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) { if (d == 0) { s[d] = 1; continue; } return null; }
            s[d] = dims[d].DimValue;
        }
        return s;
    }

    private string NodeName(NodeProto node) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType}({(node.Output.Count > 0 ? node.Output[0] : "?")})";

    /// <summary>A node the mapper cannot represent; becomes OnnxOperatorUnsupported, or a skip.</summary>
    private sealed class UnsupportedNodeException(string message) : Exception(message);

    private static UnsupportedNodeException Unsupported(NodeProto node, string reason) => new(reason);

    // ---- Layers --------------------------------------------------------------------------------

    /// <summary>Adds a layer for <paramref name="node"/> reading <paramref name="from"/>, counting <paramref name="weights"/> from the file; returns its name.</summary>
    private string Emit(NodeProto node, LayerSpecBuilder layer, IReadOnlyList<OnnxTensor> from, long weights, string? nameSuffix = null)
    {
        var name = UniqueName(node, nameSuffix);
        var inputs = from.Select(t => t.Layer).ToArray();
        string previous = _layers.Count == 0 ? ShapeInference.InputName : _layers[^1].Name!;
        layer.Name = name;
        layer.Inputs = inputs.Length == 1 && inputs[0] == previous ? null : inputs;
        _layers.Add(layer.Build());
        _weightsByLayer[name] = weights;
        _initializerParams += weights;
        return name;
    }

    private string UniqueName(NodeProto node, string? suffix)
    {
        var baseName = node.Name.Length > 0 ? node.Name : $"{node.OpType.ToLowerInvariant()}_{_layers.Count}";
        if (suffix is not null) baseName += suffix;
        var name = baseName;
        for (int k = 1; !_names.Add(name); k++) name = baseName + "_" + k.ToString(CultureInfo.InvariantCulture);
        return name;
    }

    private void SetOutput(NodeProto node, OnnxTensor t, int index = 0)
    {
        if (node.Output.Count > index && node.Output[index].Length > 0) _tensors[node.Output[index]] = t;
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
