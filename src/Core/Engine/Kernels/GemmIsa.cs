namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Which micro-kernel family a GEMM runs on. Chosen once from the hardware; tests force each
/// family to check it against the reference (a forced family still runs where the hardware lacks
/// it, through the runtime's software vectors: correct, only slow).
/// </summary>
public enum GemmIsa
{
    /// <summary>Plain scalar code, 4×4 tiles: any CPU.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE / NEON), 4×8 tiles, multiply then add.</summary>
    Vector128 = 1,

    /// <summary>256-bit AVX2 vectors with FMA, 6×16 tiles.</summary>
    Avx2Fma = 2,

    /// <summary>512-bit AVX-512F vectors with FMA, 6×32 tiles.</summary>
    Avx512 = 3,
}
