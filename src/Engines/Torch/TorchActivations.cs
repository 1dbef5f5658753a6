using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>Keras activations as libtorch operations (the same formulas as the managed engine's ActivationMath).</summary>
internal static class TorchActivations
{
    private const double SeluScale = 1.0507009873554805, SeluAlpha = 1.6732632423543772;

    /// <summary>Every activation name the Torch engine computes.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        Activations.Linear, Activations.Relu, Activations.Sigmoid, Activations.Tanh, Activations.Softmax, Activations.Elu,
        Activations.Selu, Activations.Gelu, Activations.Swish, Activations.Silu, Activations.Softplus, Activations.Softsign,
        Activations.HardSigmoid, Activations.Relu6, Activations.LeakyRelu, Activations.Exponential,
    };

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        Activations.Linear => x,
        Activations.Relu => nn.functional.relu(x),
        Activations.Sigmoid => x.sigmoid(),
        Activations.Tanh => x.tanh(),
        Activations.Softmax => x.softmax(-1),
        Activations.Elu => nn.functional.elu(x, 1.0),
        // Keras selu: scale·x for x > 0, scale·alpha·(eˣ − 1) otherwise.
        Activations.Selu => torch.where(x > 0, x * SeluScale, (x.exp() - 1) * (SeluScale * SeluAlpha)),
        Activations.Gelu => nn.functional.gelu(x), // exact (erf) form, Keras' default approximate=False
        Activations.Swish or Activations.Silu => nn.functional.silu(x),
        Activations.Softplus => nn.functional.softplus(x),
        Activations.Softsign => x / (x.abs() + 1),
        // Keras 3 hard_sigmoid = relu6(x + 3) / 6.
        Activations.HardSigmoid => nn.functional.relu6(x + 3) / 6,
        Activations.Relu6 => nn.functional.relu6(x),
        Activations.LeakyRelu => nn.functional.leaky_relu(x, 0.2),
        Activations.Exponential => x.exp(),
        _ => throw new ArgumentException($"activation '{name}' is not supported by the Torch engine", nameof(name)),
    };
}
