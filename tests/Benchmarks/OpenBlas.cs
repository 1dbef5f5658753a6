using System.Runtime.InteropServices;

namespace ModelCost.Benchmarks;

/// <summary>
/// OpenBLAS loaded into this process (the library PyTorch's Debian build loads: libopenblas.so.0,
/// the openmp variant with libopenblas0-openmp), so its SGEMM and ours run alternately on the same
/// thread over the same buffers and are timed by the same clock. Pinned to one thread.
/// </summary>
public static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
        "libopenblas.so.0",
    ];

    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;

    /// <summary>The library's path, or null when OpenBLAS is not installed.</summary>
    public static string? Path { get; private set; }

    /// <summary>The core OpenBLAS picked (its kernel set: Zen, Haswell, SkylakeX...) and its build config.</summary>
    public static string CoreName { get; private set; } = "";

    public static string Config { get; private set; } = "";

    public static bool Load()
    {
        if (s_sgemm != null) return true;
        foreach (var candidate in Candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out var lib)) continue;
            if (!NativeLibrary.TryGetExport(lib, "cblas_sgemm", out var sgemm)) continue;
            s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            if (NativeLibrary.TryGetExport(lib, "openblas_set_num_threads", out var setThreads))
                ((delegate* unmanaged<int, void>)setThreads)(1);
            CoreName = Text(lib, "openblas_get_corename");
            Config = Text(lib, "openblas_get_config");
            Path = candidate;
            return true;
        }
        return false;
    }

    private static string Text(nint lib, string export) =>
        NativeLibrary.TryGetExport(lib, export, out var f) ? Marshal.PtrToStringAnsi(((delegate* unmanaged<nint>)f)()) ?? "" : "";

    /// <summary>Row-major C = alpha·op(A)·op(B) + beta·C, as <see cref="ModelCost.Core.Engine.Kernels.Gemm.Sgemm"/>.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        if (s_sgemm == null) throw new InvalidOperationException("OpenBLAS is not loaded");
        fixed (float* pa = a, pb = b, pc = c)
            s_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }
}
