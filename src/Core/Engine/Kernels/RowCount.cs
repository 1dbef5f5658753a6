namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// A compile-time row count for micro-kernels: each struct instantiation is specialised by the JIT,
/// so a kernel written once for up to six rows keeps only the accumulators it uses.
/// </summary>
internal interface IRowCount
{
    static abstract int N { get; }
}

internal struct Rows1 : IRowCount { public static int N => 1; }
internal struct Rows2 : IRowCount { public static int N => 2; }
internal struct Rows3 : IRowCount { public static int N => 3; }
internal struct Rows4 : IRowCount { public static int N => 4; }
internal struct Rows5 : IRowCount { public static int N => 5; }
internal struct Rows6 : IRowCount { public static int N => 6; }

/// <summary>
/// Whether a kernel instantiation reads packed panels (strides known at JIT time), and whether it
/// loads B rows under a lane mask (a partial column panel read in place, never past its columns).
/// </summary>
internal interface ILayout
{
    static abstract bool IsPacked { get; }

    static abstract bool IsMasked { get; }
}

internal struct Packed : ILayout { public static bool IsPacked => true; public static bool IsMasked => false; }
internal struct Strided : ILayout { public static bool IsPacked => false; public static bool IsMasked => false; }
internal struct MaskedEdge : ILayout { public static bool IsPacked => false; public static bool IsMasked => true; }

/// <summary>A compile-time count of vectors across one row strip (<see cref="IRowKernel"/>): 8 wide strips, 4 for the rest.</summary>
internal interface IStripVectors
{
    static abstract int N { get; }
}

internal struct Vectors4 : IStripVectors { public static int N => 4; }
internal struct Vectors8 : IStripVectors { public static int N => 8; }
