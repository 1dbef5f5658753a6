using System.Globalization;
using System.Text;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using static ModelCost.Core.Export.PyTorch.PythonText;

namespace ModelCost.Core.Export.PyTorch;

/// <summary>
/// Writes the generated part of the PyTorch file: the constants the runtime reads (name, shapes, the spec
/// YAML, the weight table) and a <c>Model</c> class whose constructor builds one Keras-semantics module
/// per layer and whose forward pass follows the spec's graph. Every figure comes from the resolved
/// model, so defaults (Keras padding, momentum, reset_after) are decided once, in ShapeInference.
/// </summary>
internal sealed class PyTorchModelWriter
{
    private readonly ResolvedModel _model;
    private readonly string[] _ids;
    private readonly StringBuilder _sb = new();

    private PyTorchModelWriter(ResolvedModel model)
    {
        _model = model;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        _ids = model.Layers.Select(l => Identifier(l.Name, taken)).ToArray();
    }

    public static string Write(ResolvedModel model, string generator)
    {
        var w = new PyTorchModelWriter(model);
        w.Constants(generator);
        w.ModelClass();
        return w._sb.ToString();
    }

    private PyTorchModelWriter Line(string text = "")
    {
        _sb.Append(text).Append('\n');
        return this;
    }

    private void Constants(string generator)
    {
        var m = _model;
        Line("# ---------------------------------------------------------------------------------------------------------");
        Line($"# The model, generated from spec {Str(m.Name)}: {Int(m.Layers.Count)} layers.");
        Line("# ---------------------------------------------------------------------------------------------------------");
        Line();
        Line($"MODEL_NAME = {Str(m.Name)}");
        Line($"GENERATOR = {Str(generator)}");
        Line($"INPUT_SHAPE = {Tuple(m.InputShape)}");
        Line($"OUTPUT_SHAPE = {Tuple(m.Layers[^1].OutputShape)}");
        Line($"PARAMS = {Int(m.Params)}  # {Count(m.TrainableParams)} trainable + {Count(m.NonTrainableParams)} non-trainable (BatchNormalization moving statistics, buffers here)");
        Line();
        Line("# The spec in ModelCost YAML; save_weights() stores it in the safetensors metadata for Import-TrainedModel.");
        Line("SPEC_YAML = (");
        var yaml = ModelSpecYaml.Serialize(m.Spec);
        foreach (var line in yaml.Split('\n'))
            if (line.Length > 0) Line($"    {Str(line + "\n")}");
        Line(")");
        Line();
        Line("# Layer attributes of Model, in spec order.");
        Line("LAYER_ORDER = (");
        foreach (var id in _ids) Line($"    {Str(id)},");
        Line(")");
        Line();
        Line("# Safetensors tensor name -> (Model attribute, parameter or buffer path), in Keras layout.");
        Line("WEIGHTS = {");
        foreach (var l in m.Layers)
            foreach (var slot in WeightLayout.For(l))
                Line($"    {Str(slot.Name)}: ({Str(_ids[l.Index])}, {Str(slot.Param)}),");
        Line("}");
        Line();
        Line();
    }

    private void ModelClass()
    {
        var m = _model;
        Line("class Model(nn.Module):");
        Line($"    \"\"\"{Doc(m.Name)}: input {ShapeText.FormatWithBatch(m.InputShape)} -> output {ShapeText.FormatWithBatch(m.Layers[^1].OutputShape)}, {Count(m.Params)} parameters.\"\"\"");
        Line();
        Line("    def __init__(self):");
        Line("        super().__init__()");
        foreach (var l in m.Layers)
            Line($"        self.{_ids[l.Index]} = {Construct(l)}  # {Doc(l.Name)}: {ShapeText.FormatWithBatch(l.OutputShape)}, {Count(l.Params)} params");
        Line();
        Line("    def forward(self, inputs, logits=False):");
        Line($"        \"\"\"inputs: (N, {string.Join(", ", m.InputShape.Select(d => Int(d)))}) float32, channels last. logits=True skips the last layer's activation.\"\"\"");
        foreach (var l in m.Layers)
        {
            var args = string.Join(", ", l.InputIndices.Select(j => j < 0 ? "inputs" : _ids[j]));
            bool last = l.Index == m.Layers.Count - 1;
            if (last && HasActivationArgument(l)) args += ", activate=not logits";
            Line($"        {_ids[l.Index]} = self.{_ids[l.Index]}({args})");
        }
        Line($"        return {_ids[^1]}");
    }

    private static bool HasActivationArgument(ResolvedLayer l) => l.Type is LayerTypes.Dense or LayerTypes.Conv1D or LayerTypes.Conv2D
        or LayerTypes.Conv3D or LayerTypes.DepthwiseConv2D or LayerTypes.SeparableConv2D or LayerTypes.Activation;

    private static string Construct(ResolvedLayer l)
    {
        int cin = l.InputShape[^1];
        string Geometry() => $"kernel_size={Tuple(l.KernelSize)}, strides={Tuple(l.Strides)}, pad_before={Tuple(l.PadBefore)}, pad_after={Tuple(l.PadAfter)}";
        string Tail() => $"use_bias={Bool(l.UseBias)}, activation={Str(l.Activation)}";
        switch (l.Type)
        {
            case LayerTypes.Dense:
                return $"Dense({Int(cin)}, {Int(l.Units)}, {Tail()})";
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D:
                return $"Conv({Int(l.KernelSize.Length)}, in_channels={Int(cin)}, filters={Int(l.Filters)}, {Geometry()}, {Tail()})";
            case LayerTypes.DepthwiseConv2D:
                return $"DepthwiseConv2D(in_channels={Int(cin)}, depth_multiplier={Int(l.DepthMultiplier)}, {Geometry()}, {Tail()})";
            case LayerTypes.SeparableConv2D:
                return $"SeparableConv2D(in_channels={Int(cin)}, depth_multiplier={Int(l.DepthMultiplier)}, filters={Int(l.Filters)}, {Geometry()}, {Tail()})";
            case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
                or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D:
                return $"Pool({Int(l.PoolSize.Length)}, {Str(l.Type.StartsWith("Max", StringComparison.Ordinal) ? "max" : "avg")}, pool_size={Tuple(l.PoolSize)}, strides={Tuple(l.Strides)}, pad_before={Tuple(l.PadBefore)}, pad_after={Tuple(l.PadAfter)})";
            case LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D:
                return "GlobalPool(\"avg\")";
            case LayerTypes.GlobalMaxPooling2D:
                return "GlobalPool(\"max\")";
            case LayerTypes.Flatten:
                return "Flatten()";
            case LayerTypes.Dropout:
                return $"Dropout({Float(l.Rate)})";
            case LayerTypes.Activation:
                return $"Activation({Str(l.Activation)})";
            case LayerTypes.BatchNormalization:
                return $"BatchNormalization({Int(cin)}, momentum={Float(l.Momentum)}, epsilon={Float(l.Epsilon)})";
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                return $"Recurrent({Str(l.Type)}, features={Int(cin)}, units={Int(l.Units)}, use_bias={Bool(l.UseBias)}, activation={Str(l.Activation)}, "
                    + $"recurrent_activation={Str(l.RecurrentActivation)}, return_sequences={Bool(l.ReturnSequences)}"
                    + (l.Type == LayerTypes.GRU ? $", reset_after={Bool(l.ResetAfter)})" : ")");
            case LayerTypes.ZeroPadding2D:
                return $"ZeroPadding2D(top={Int(l.PadBefore[0])}, bottom={Int(l.PadAfter[0])}, left={Int(l.PadBefore[1])}, right={Int(l.PadAfter[1])})";
            case LayerTypes.Add:
                return "Add()";
            case LayerTypes.Concatenate:
                return $"Concatenate(axis={Int(l.Axis + 1)})";
            case LayerTypes.Embedding:
                return $"Embedding({Int(l.InputDim)}, {Int(l.OutputDim)}{(l.ConstantId >= 0 ? $", constant_id={Int(l.ConstantId)}" : "")})";
            case LayerTypes.PositionEmbedding:
                return $"PositionEmbedding({Int(l.SequenceLength)}, {Int(cin)})";
            case LayerTypes.LayerNormalization:
                return $"LayerNormalization({Int(cin)}, epsilon={Float(l.Epsilon)})";
            case LayerTypes.MultiHeadAttention:
            {
                // Keras' call order: query, value, key (key = value when not given).
                int[] q = l.InputShapes[0], v = l.InputShapes.Length > 1 ? l.InputShapes[1] : q, k = l.InputShapes.Length > 2 ? l.InputShapes[2] : v;
                return $"MultiHeadAttention(query_features={Int(q[^1])}, value_features={Int(v[^1])}, key_features={Int(k[^1])}, num_heads={Int(l.NumHeads)}, "
                    + $"key_dim={Int(l.KeyDim)}, value_dim={Int(l.ValueDim)}, dropout={Float(l.Dropout)}, use_bias={Bool(l.UseBias)}, use_causal_mask={Bool(l.UseCausalMask)})";
            }
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
                return $"TransformerBlock({Int(cin)}, intermediate_dim={Int(l.IntermediateDim)}, num_heads={Int(l.NumHeads)}, dropout={Float(l.Dropout)}, "
                    + $"activation={Str(l.Activation)}, layer_norm_epsilon={Float(l.Epsilon)}, normalize_first={Bool(l.NormalizeFirst)}, causal={Bool(l.UseCausalMask)})";
            case LayerTypes.Reshape:
                return $"Reshape({Tuple(l.OutputShape)})";
            case LayerTypes.Cropping1D:
                return $"Cropping1D({Int(l.CropStart)}, {Int(l.CropEnd)})";
            default:
                throw new ModelCostException(ErrorIds.ExportUnsupportedLayer, ModelCostErrorCategory.NotImplemented,
                    $"Layer {Int(l.Index)} '{l.Name}' ({l.Type}): the PyTorch exporter has no module for {l.Type} layers.", l.Name)
                { LayerIndex = l.Index, LayerName = l.Name, Option = "type" };
        }
    }

    private static string Count(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Text for a docstring or comment: no line breaks, no closing quotes.</summary>
    private static string Doc(string s) => s.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
        .Replace("\"\"\"", "'''", StringComparison.Ordinal).Replace("\\", "/", StringComparison.Ordinal);
}
