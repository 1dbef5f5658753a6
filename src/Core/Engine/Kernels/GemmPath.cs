namespace ModelCost.Core.Engine.Kernels;

/// <summary>Which loop nest a GEMM takes; tests force each one, production uses <see cref="Auto"/>.</summary>
internal enum GemmPath
{
    /// <summary>RowStream for one row of C, direct for small B or few rows of C (when B is not transposed), packed otherwise.</summary>
    Auto = 0,

    /// <summary>Kernels read A and B in place (only possible when B is not transposed).</summary>
    Direct = 1,

    /// <summary>Blocked KC/MC/NC loops over packed panels.</summary>
    Packed = 2,

    /// <summary>
    /// Rows of C one at a time through the family's <see cref="IRowKernel"/>, B read in place row by
    /// row (Auto's choice for m = 1 when B is not transposed; a transposed B takes the Auto rule).
    /// </summary>
    RowStream = 3,
}
