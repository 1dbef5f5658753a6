namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// What a micro-kernel does when it stores a tile: C = act(alpha·acc + beta·C + bias[col]).
/// Beta is the caller's only for the first k-block (later blocks accumulate with beta 1); bias and
/// activation apply only on the last k-block, once the sum is complete.
/// </summary>
internal unsafe struct GemmEpilogue
{
    public float Alpha;
    public float Beta;

    /// <summary>Per-column bias already offset to column 0 of C, or null.</summary>
    public float* Bias;

    public GemmActivation Activation;

    /// <summary>Applies bias and activation (false on all k-blocks but the last).</summary>
    public bool Final;

    /// <summary>Combine beta·C with one rounding, as the FMA vector kernels do for full tiles.</summary>
    public bool Fused;

    public readonly bool HasBias => Final && Bias != null;

    public readonly bool Relu => Final && Activation == GemmActivation.Relu;

    /// <summary>The scalar form of the store, for partial tiles and the scalar kernel.</summary>
    public readonly float Apply(float acc, float old, int col)
    {
        float v = Alpha * acc;
        if (Beta == 1f) v += old;
        else if (Beta != 0f) v = Fused ? MathF.FusedMultiplyAdd(Beta, old, v) : v + Beta * old;
        if (HasBias) v += Bias[col];
        if (Relu && v < 0f) v = 0f;
        return v;
    }
}
