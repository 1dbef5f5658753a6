using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// ONNX RNN, GRU and LSTM (forward direction). ONNX reads X as [T, N, F] (layout 0, what exporters write)
/// or [N, T, F] (layout 1) and writes Y [T, directions, N, H] and Y_h [directions, N, H]. Reading Y is a
/// Keras layer with return_sequences; reading only Y_h is one without. ONNX keeps two bias vectors per gate
/// (input and recurrent, as PyTorch): LSTM and RNN map with recurrent_bias, GRU with reset_after.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    private void MapRecurrent(NodeProto node, OnnxTensor x, OnnxTensor?[] inputs)
    {
        string direction = OnnxAttributes.String(node, "direction", "forward");
        if (direction != "forward") throw Unsupported(node, $"direction '{direction}' (a Bidirectional wrapper is not in the spec)");
        if (OnnxAttributes.Find(node, "clip") is not null) throw Unsupported(node, "cell clipping");
        long layout = OnnxAttributes.Int(node, "layout", 0);
        bool ok = x.Rank == 3 && (layout == 0 ? IsSequenceFirst(x) : x.IsPlain);
        if (!ok) throw Unsupported(node, $"an input [{string.Join(", ", x.Shape)}] that is not a sequence ([T, N, F] for layout 0, [N, T, F] for layout 1)");
        if (inputs.Length > 4 && inputs[4] is not null) throw Unsupported(node, "per-sample sequence lengths");
        for (int i = 5; i < inputs.Length; i++)
            if (inputs[i] is { IsStatic: false }) throw Unsupported(node, "an initial state computed from the data");
        if (node.OpType == "LSTM" && inputs.Length > 7 && inputs[7] is not null) throw Unsupported(node, "peephole weights");

        var w = Weight(node, inputs.Length > 1 ? inputs[1] : null, "input weights W");
        var r = Weight(node, inputs.Length > 2 ? inputs[2] : null, "recurrent weights R");
        var b = inputs.Length > 3 && inputs[3] is not null ? Weight(node, inputs[3], "bias B") : null;
        long hidden = OnnxAttributes.Int(node, "hidden_size", r.Dims.Length == 3 ? r.Dims[2] : 0);
        int gates = node.OpType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        long features = x.Shape[2];
        if (w.Dims.Length != 3 || w.Dims[0] != 1 || w.Dims[1] != gates * hidden || w.Dims[2] != features)
            throw Unsupported(node, $"W of shape [{string.Join(", ", w.Dims)}] for {gates} gates of {hidden} units over {features} features");

        var (act, recurrentAct) = RecurrentActivations(node, gates);
        var layer = new LayerSpecBuilder
        {
            Type = node.OpType switch { "LSTM" => LayerTypes.LSTM, "GRU" => LayerTypes.GRU, _ => LayerTypes.SimpleRNN },
            Units = checked((int)hidden), UseBias = b is not null, Activation = act,
            RecurrentActivation = gates > 1 ? recurrentAct : null,
        };
        // ONNX B holds the input and the recurrent bias ([Wb, Rb], 2·gates·H); Keras LSTM/SimpleRNN keep one, so the
        // spec says recurrent_bias. GRU's two vectors are Keras' reset_after.
        if (b is not null && b.Elements != 2L * gates * hidden)
            throw Unsupported(node, $"a bias B of {b.Elements} values for {gates} gates of {hidden} units (ONNX holds 2·{gates}·{hidden})");
        if (b is not null && node.OpType != "GRU") layer.RecurrentBias = true;
        if (node.OpType == "GRU")
        {
            // linear_before_reset = 1 applies the reset gate after the recurrent product: Keras' reset_after=True,
            // with the recurrent bias kept apart (ONNX B holds 6H = Keras' (2, 3H) bias).
            layer.ResetAfter = OnnxAttributes.Int(node, "linear_before_reset", 0) == 1;
            if (b is not null && layer.ResetAfter != true)
                throw Unsupported(node, "linear_before_reset = 0 with biases (Keras' reset_after=False keeps one bias vector, ONNX two)");
        }

        bool sequence = node.Output.Count > 0 && node.Output[0].Length > 0 && _consumers.GetValueOrDefault(node.Output[0]) > 0;
        bool final = node.Output.Count > 1 && node.Output[1].Length > 0 && _consumers.GetValueOrDefault(node.Output[1]) > 0;
        if (node.Output.Count > 2 && node.Output[2].Length > 0 && _consumers.GetValueOrDefault(node.Output[2]) > 0)
            throw Unsupported(node, "its final cell state Y_c is used");
        if (sequence && final) throw Unsupported(node, "both its sequence output Y and its final state Y_h are used");
        layer.ReturnSequences = sequence;

        long n = x.Shape[x.BatchAxis], steps = x.Shape[layout == 0 ? 0 : 1];
        var name = Emit(node, layer, [x], w.Elements + r.Elements + (b?.Elements ?? 0));
        if (sequence)
            SetOutput(node, layout == 0
                ? new OnnxTensor { Shape = [steps, 1, n, hidden], BatchAxis = 2, SpecAxes = [0, 3], Layer = name }
                : new OnnxTensor { Shape = [n, steps, 1, hidden], BatchAxis = 0, SpecAxes = [1, 3], Layer = name });
        if (final)
            SetOutput(node, layout == 0
                ? new OnnxTensor { Shape = [1, n, hidden], BatchAxis = 1, SpecAxes = [2], Layer = name }
                : new OnnxTensor { Shape = [n, 1, hidden], BatchAxis = 0, SpecAxes = [2], Layer = name }, 1);
    }

    /// <summary>ONNX lists f (gates), g (cell input) and for LSTM h (cell output); Keras has recurrent_activation and activation.</summary>
    private static (string Activation, string Recurrent) RecurrentActivations(NodeProto node, int gates)
    {
        var given = OnnxAttributes.Find(node, "activations")?.Strings.Select(s => s.ToStringUtf8()).ToArray();
        string[] defaults = gates switch { 4 => ["Sigmoid", "Tanh", "Tanh"], 3 => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        var acts = given is { Length: > 0 } ? given : defaults;
        string Map(string a) => a switch
        {
            "Sigmoid" => Activations.Sigmoid, "Tanh" => Activations.Tanh, "Relu" => Activations.Relu,
            "HardSigmoid" => Activations.HardSigmoid, "Softsign" => Activations.Softsign, "Softplus" => Activations.Softplus,
            "Elu" => Activations.Elu,
            "Affine" => Activations.Linear, // the exporters' identity (alpha 1, beta 0); other factors cost the same
            _ => throw Unsupported(node, $"cell activation '{a}'"),
        };
        if (gates == 1) return (Map(acts[0]), Activations.Sigmoid);
        if (gates == 4 && acts.Length >= 3 && acts[1] != acts[2]) throw Unsupported(node, $"different cell and output activations ({acts[1]}, {acts[2]})");
        return (Map(acts[1]), Map(acts[0]));
    }
}
