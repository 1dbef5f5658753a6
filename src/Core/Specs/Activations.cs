namespace ModelCost.Core.Specs;

/// <summary>Activation names accepted in specs (Keras spellings). Null or <c>linear</c> means none.</summary>
public static class Activations
{
    public const string Linear = "linear";
    public const string Relu = "relu";
    public const string Sigmoid = "sigmoid";
    public const string Tanh = "tanh";
    public const string Softmax = "softmax";
    public const string Elu = "elu";
    public const string Selu = "selu";
    public const string Gelu = "gelu";
    public const string Swish = "swish";
    public const string Silu = "silu";
    public const string Softplus = "softplus";
    public const string Softsign = "softsign";
    public const string HardSigmoid = "hard_sigmoid";
    public const string Relu6 = "relu6";
    public const string LeakyRelu = "leaky_relu";
    public const string Exponential = "exponential";

    public static IReadOnlyList<string> All { get; } =
        [Linear, Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Gelu, Swish, Silu, Softplus, Softsign, HardSigmoid, Relu6, LeakyRelu, Exponential];

    /// <summary>Lower-cases and checks a name; <c>None</c>/empty become <c>linear</c>.</summary>
    public static bool TryNormalize(string? name, out string normalized)
    {
        normalized = Linear;
        if (string.IsNullOrWhiteSpace(name) || name.Equals("none", StringComparison.OrdinalIgnoreCase)) return true;
        var n = name.Trim().ToLowerInvariant();
        if (n == "hardsigmoid") n = HardSigmoid;
        if (n == "leakyrelu") n = LeakyRelu;
        if (!All.Contains(n)) return false;
        normalized = n;
        return true;
    }
}
