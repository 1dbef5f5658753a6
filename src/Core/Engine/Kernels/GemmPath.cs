namespace ModelCost.Core.Engine.Kernels;

/// <summary>Which loop nest a GEMM takes; tests force each one, production uses <see cref="Auto"/>.</summary>
internal enum GemmPath
{
    /// <summary>Direct for small B or few rows of C (when B is not transposed), packed otherwise.</summary>
    Auto = 0,

    /// <summary>Kernels read A and B in place (only possible when B is not transposed).</summary>
    Direct = 1,

    /// <summary>Blocked KC/MC/NC loops over packed panels.</summary>
    Packed = 2,
}
