using System.Globalization;

namespace ModelCost.Core.Specs;

/// <summary>
/// A Keras weight regularizer (<c>l1</c>, <c>l2</c>, <c>l1_l2</c>): training adds
/// <c>L1·Σ|w| + L2·Σw²</c> over the weight it is attached to to the loss, so the gradient of that
/// weight gains <c>L1·sign(w) + 2·L2·w</c>. It changes no shape and no parameter count.
/// </summary>
public sealed class Regularizer : IEquatable<Regularizer>
{
    /// <summary>Keras' default factor for <c>l1()</c>, <c>l2()</c> and the strings 'l1'/'l2'.</summary>
    public const double KerasDefault = 0.01;

    /// <summary>Factor of Σ|w| (0 = none).</summary>
    public double L1 { get; init; }

    /// <summary>Factor of Σw² (0 = none).</summary>
    public double L2 { get; init; }

    /// <summary>The penalty over one weight tensor, summed in double.</summary>
    public double Penalty(ReadOnlySpan<float> weights)
    {
        double abs = 0, sq = 0;
        foreach (var w in weights) { abs += Math.Abs(w); sq += (double)w * w; }
        return L1 * abs + L2 * sq;
    }

    public bool Equals(Regularizer? other) => other is not null && L1.Equals(other.L1) && L2.Equals(other.L2);

    public override bool Equals(object? obj) => obj is Regularizer r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(L1, L2);

    /// <summary>Keras spelling: <c>l2(0.001)</c>, <c>l1(0.01)</c> or <c>l1_l2(l1=0.01, l2=0.001)</c>.</summary>
    public override string ToString() =>
        L1 == 0 && L2 != 0 ? $"l2({N(L2)})" : L2 == 0 && L1 != 0 ? $"l1({N(L1)})" : $"l1_l2(l1={N(L1)}, l2={N(L2)})";

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
