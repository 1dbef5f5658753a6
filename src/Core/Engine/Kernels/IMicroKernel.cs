namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// A register-blocked micro-kernel: computes an up-to MR×NR tile of C from a k-slice of A and a
/// k×NR panel of B and stores it through a <see cref="GemmEpilogue"/>. A is read with arbitrary
/// strides (packed panels use rsA = 1, csA = MR; unpacked A its own strides), B rows are NR
/// contiguous floats, rsB apart (NR for a packed panel, ldb for B read in place).
/// Each C element is one sequential FMA chain over k, whatever the tile, so results do not
/// depend on where a tile falls or how work is split across threads.
/// </summary>
internal unsafe interface IMicroKernel
{
    static abstract int MR { get; }

    static abstract int NR { get; }

    /// <summary>
    /// Whether <see cref="Tile"/> reads a partial column panel (cols &lt; NR) in place under lane
    /// masks; otherwise the driver copies that panel zero-padded first.
    /// </summary>
    static abstract bool ReadsPartialPanels { get; }

    /// <summary>Columns of the widest strip of this family's <see cref="IRowKernel"/> (a multiple of NR).</summary>
    static abstract int RowWidth { get; }

    /// <summary>This family's <see cref="IRowKernel.Row"/>.</summary>
    static abstract int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0);

    static abstract void Tile(int rows, int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0);
}
