using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras SimpleRNN, LSTM and GRU written step by step on the Keras weights (kernel (in, g·units), recurrent kernel
/// (units, g·units), gate order i, f, c, o for LSTM and z, r, h for GRU), so no gate reordering or bias splitting
/// is needed and every activation Keras allows works inside the cell. GRU reset_after=True (Keras default) applies
/// the reset gate to the recurrent projection including its bias row; reset_after=False to the state before it.
/// </summary>
internal sealed class RecurrentOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        long n = x.shape[0], steps = x.shape[1];
        int u = Spec.Units;
        Tensor kernel = W("kernel"), recurrent = W("recurrent_kernel");
        var bias = OptionalW("bias");
        bool gruAfter = Spec.Type == LayerTypes.GRU && Spec.ResetAfter;
        Tensor? inputBias = bias is null ? null : gruAfter ? bias[0] : bias;
        Tensor? recurrentBias = bias is not null && gruAfter ? bias[1] : null;
        // All time steps' input projections at once: (n, T, g·units).
        var projected = x.matmul(kernel);
        if (inputBias is not null) projected = projected + inputBias;
        var h = torch.zeros(n, u);
        var c = Spec.Type == LayerTypes.LSTM ? torch.zeros(n, u) : null;
        var outputs = Spec.ReturnSequences ? new List<Tensor>((int)steps) : null;
        string act = Spec.Activation, gate = Spec.RecurrentActivation;
        for (long t = 0; t < steps; t++)
        {
            var xt = projected.select(1, t);
            switch (Spec.Type)
            {
                case LayerTypes.SimpleRNN:
                    h = TorchActivations.Apply(act, xt + h.matmul(recurrent));
                    break;
                case LayerTypes.LSTM:
                {
                    var z = (xt + h.matmul(recurrent)).chunk(4, 1);
                    var i = TorchActivations.Apply(gate, z[0]);
                    var f = TorchActivations.Apply(gate, z[1]);
                    var candidate = TorchActivations.Apply(act, z[2]);
                    var o = TorchActivations.Apply(gate, z[3]);
                    c = f * c! + i * candidate;
                    h = o * TorchActivations.Apply(act, c);
                    break;
                }
                default:
                {
                    var xz = xt.chunk(3, 1);
                    Tensor z, r, hh;
                    if (gruAfter)
                    {
                        var hp = h.matmul(recurrent);
                        if (recurrentBias is not null) hp = hp + recurrentBias;
                        var hz = hp.chunk(3, 1);
                        z = TorchActivations.Apply(gate, xz[0] + hz[0]);
                        r = TorchActivations.Apply(gate, xz[1] + hz[1]);
                        hh = TorchActivations.Apply(act, xz[2] + r * hz[2]);
                    }
                    else
                    {
                        var uz = recurrent.narrow(1, 0, 2 * u);
                        var zr = (torch.cat([xz[0], xz[1]], 1) + h.matmul(uz)).chunk(2, 1);
                        z = TorchActivations.Apply(gate, zr[0]);
                        r = TorchActivations.Apply(gate, zr[1]);
                        hh = TorchActivations.Apply(act, xz[2] + (r * h).matmul(recurrent.narrow(1, 2 * u, u)));
                    }
                    h = z * h + (1 - z) * hh;
                    break;
                }
            }
            outputs?.Add(h);
        }
        return outputs is null ? h : torch.stack(outputs, 1);
    }
}
