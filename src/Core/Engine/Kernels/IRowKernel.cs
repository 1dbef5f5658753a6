namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// One row of C over B read in place, row after row (the batch-1 case: y = x·W with W row-major):
/// strips of 8 vectors of columns (4 for what is left) keep eight independent FMA chains in flight
/// and read each B row as a contiguous run that the kernel prefetches a few rows ahead, where a
/// 1×NR micro-tile would keep two chains waiting on FMA latency and walk B in 64-byte steps
/// <c>ldb</c> apart. Nothing is packed: B is read exactly once. Each element of C is the same
/// single FMA chain over k followed by the same epilogue as the family's micro-kernel computes on
/// the direct path, so a column gives the same bits whichever of the two computes it.
/// </summary>
internal unsafe interface IRowKernel
{
    /// <summary>Columns of the widest strip.</summary>
    static abstract int Width { get; }

    /// <summary>
    /// C[0, j] for j from 0 up to the columns returned (whole strips, at most <paramref name="n"/>);
    /// the caller finishes the rest with the micro-kernel. A is read at a[p·csA].
    /// </summary>
    static abstract int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0);
}
