using System.Numerics;
using System.Runtime.InteropServices;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Activation forward (in place) and backward (gradient multiplied in place). Backward reads the
/// activation's output where that determines the derivative, and the pre-activation only for
/// gelu and swish, so most layers keep a single buffer.
/// </summary>
internal static class ActivationMath
{
    private const float SeluScale = 1.0507009873554805f, SeluAlpha = 1.6732632423543772f;
    internal const float LeakySlope = (float)ShapeInference.LeakyReluDefaultSlope; // Keras 3 leaky_relu default negative_slope

    public static ActivationKind Parse(string name) => name switch
    {
        Activations.Linear => ActivationKind.Linear,
        Activations.Relu => ActivationKind.Relu,
        Activations.Sigmoid => ActivationKind.Sigmoid,
        Activations.Tanh => ActivationKind.Tanh,
        Activations.Softmax => ActivationKind.Softmax,
        Activations.Elu => ActivationKind.Elu,
        Activations.Selu => ActivationKind.Selu,
        Activations.Gelu => ActivationKind.Gelu,
        Activations.Swish or Activations.Silu => ActivationKind.Swish,
        Activations.Softplus => ActivationKind.Softplus,
        Activations.Softsign => ActivationKind.Softsign,
        Activations.HardSigmoid => ActivationKind.HardSigmoid,
        Activations.Relu6 => ActivationKind.Relu6,
        Activations.LeakyRelu => ActivationKind.LeakyRelu,
        Activations.Exponential => ActivationKind.Exponential,
        _ => throw new ArgumentException($"activation '{name}' is not supported by the training engine", nameof(name)),
    };

    /// <summary>True when the derivative cannot be recovered from the output alone.</summary>
    public static bool NeedsPreActivation(ActivationKind k) => k is ActivationKind.Gelu or ActivationKind.Swish;

    /// <summary>Applies the activation in place; softmax works on rows of <paramref name="width"/>.</summary>
    public static void Forward(ActivationKind k, Span<float> x, int width)
    {
        switch (k)
        {
            case ActivationKind.Linear: return;
            case ActivationKind.Relu: Relu(x); return;
            case ActivationKind.Softmax:
                for (int r = 0; r + width <= x.Length; r += width) Softmax(x.Slice(r, width));
                return;
        }
        for (int i = 0; i < x.Length; i++) x[i] = Scalar(k, x[i]);
    }

    /// <summary>grad ← grad · f'(·), using the output <paramref name="y"/> (and the pre-activation when needed).</summary>
    public static void Backward(ActivationKind k, ReadOnlySpan<float> y, ReadOnlySpan<float> pre, Span<float> grad, int width)
    {
        switch (k)
        {
            case ActivationKind.Linear: return;
            case ActivationKind.Relu: ReluBackward(y, grad); return;
            case ActivationKind.Softmax:
                for (int r = 0; r + width <= grad.Length; r += width)
                {
                    var yr = y.Slice(r, width); var gr = grad.Slice(r, width);
                    double dot = 0;
                    for (int j = 0; j < width; j++) dot += (double)yr[j] * gr[j];
                    for (int j = 0; j < width; j++) gr[j] = yr[j] * (float)(gr[j] - dot);
                }
                return;
            case ActivationKind.Gelu:
                for (int i = 0; i < grad.Length; i++)
                {
                    float x = pre[i];
                    grad[i] *= 0.5f * (1 + Erf(x * InvSqrt2)) + x * MathF.Exp(-0.5f * x * x) * InvSqrt2Pi;
                }
                return;
            case ActivationKind.Swish:
                for (int i = 0; i < grad.Length; i++)
                {
                    float x = pre[i], s = 1f / (1f + MathF.Exp(-x));
                    grad[i] *= s * (1 + x * (1 - s));
                }
                return;
        }
        for (int i = 0; i < grad.Length; i++) grad[i] *= DerivativeFromOutput(k, y[i]);
    }

    public static float Scalar(ActivationKind k, float x) => k switch
    {
        ActivationKind.Linear => x,
        ActivationKind.Relu => x > 0 ? x : 0,
        ActivationKind.Sigmoid => Sigmoid(x),
        ActivationKind.Tanh => MathF.Tanh(x),
        ActivationKind.Elu => x > 0 ? x : MathF.Exp(x) - 1,
        ActivationKind.Selu => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (MathF.Exp(x) - 1),
        ActivationKind.Gelu => 0.5f * x * (1 + Erf(x * InvSqrt2)),
        ActivationKind.Swish => x * Sigmoid(x),
        ActivationKind.Softplus => MathF.Max(x, 0) + MathF.Log(1 + MathF.Exp(-MathF.Abs(x))),
        ActivationKind.Softsign => x / (1 + MathF.Abs(x)),
        ActivationKind.HardSigmoid => MathF.Min(MathF.Max(x + 3, 0), 6) / 6,
        ActivationKind.Relu6 => MathF.Min(MathF.Max(x, 0), 6),
        ActivationKind.LeakyRelu => x > 0 ? x : LeakySlope * x,
        ActivationKind.Exponential => MathF.Exp(x),
        _ => throw new InvalidOperationException($"no scalar form for {k}"),
    };

    /// <summary>f'(x) written in terms of y = f(x) (for the activations where that is possible).</summary>
    public static float DerivativeFromOutput(ActivationKind k, float y) => k switch
    {
        ActivationKind.Linear => 1,
        ActivationKind.Relu => y > 0 ? 1 : 0,
        ActivationKind.Sigmoid => y * (1 - y),
        ActivationKind.Tanh => 1 - y * y,
        ActivationKind.Elu => y > 0 ? 1 : y + 1,
        ActivationKind.Selu => y > 0 ? SeluScale : y + SeluScale * SeluAlpha,
        ActivationKind.Softplus => 1 - MathF.Exp(-y),
        ActivationKind.Softsign => (1 - MathF.Abs(y)) * (1 - MathF.Abs(y)),
        ActivationKind.HardSigmoid => y > 0 && y < 1 ? 1f / 6 : 0,
        ActivationKind.Relu6 => y > 0 && y < 6 ? 1 : 0,
        ActivationKind.LeakyRelu => y > 0 ? 1 : LeakySlope,
        ActivationKind.Exponential => y,
        _ => throw new InvalidOperationException($"{k} needs its input for the derivative"),
    };

    public static float Sigmoid(float x) => x >= 0 ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    /// <summary>Numerically stable softmax of one row, in place.</summary>
    public static void Softmax(Span<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (var v in row) if (v > max) max = v;
        double sum = 0;
        for (int j = 0; j < row.Length; j++) { float e = MathF.Exp(row[j] - max); row[j] = e; sum += e; }
        float inv = (float)(1.0 / sum);
        for (int j = 0; j < row.Length; j++) row[j] *= inv;
    }

    private const float InvSqrt2 = 0.70710678118654752f, InvSqrt2Pi = 0.39894228040143268f;

    /// <summary>
    /// erf by Abramowitz &amp; Stegun 7.1.26 (|error| ≤ 1.5e-7) in float arithmetic (rounding adds about 1e-7):
    /// GELU runs on every hidden unit of a transformer's feed-forward layers, where double Math.Exp cost a quarter
    /// of a block's forward time.
    /// </summary>
    public static float Erf(float x)
    {
        float sign = x < 0 ? -1 : 1;
        x = MathF.Abs(x);
        float t = 1 / (1 + 0.3275911f * x);
        float y = 1 - ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * MathF.Exp(-x * x);
        return sign * y;
    }


    private static void Relu(Span<float> x)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(x);
        for (int i = 0; i < v.Length; i++) v[i] = Vector.Max(v[i], Vector<float>.Zero);
        for (int i = v.Length * Vector<float>.Count; i < x.Length; i++) if (x[i] < 0) x[i] = 0;
    }

    private static void ReluBackward(ReadOnlySpan<float> y, Span<float> g)
    {
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
        int n = Math.Min(yv.Length, gv.Length);
        for (int i = 0; i < n; i++)
            gv[i] = Vector.ConditionalSelect(Vector.GreaterThan(yv[i], Vector<float>.Zero), gv[i], Vector<float>.Zero);
        for (int i = n * Vector<float>.Count; i < g.Length; i++) if (!(y[i] > 0)) g[i] = 0;
    }
}
