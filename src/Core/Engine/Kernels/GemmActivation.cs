namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Activation a fused GEMM applies while storing C, so the output is written once instead of
/// being re-read by a separate bias/activation pass.
/// </summary>
public enum GemmActivation
{
    /// <summary>Store as computed.</summary>
    None = 0,

    /// <summary>max(x, 0).</summary>
    Relu = 1,
}
