using System.Runtime.CompilerServices;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>4×4 scalar micro-kernel (16 accumulators) for CPUs without usable SIMD.</summary>
internal unsafe struct ScalarKernel : IMicroKernel
{
    public static int MR => 4;

    public static int NR => 4;

    public static bool ReadsPartialPanels => false;

    public static int RowWidth => ScalarRowKernel.Width;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        => ScalarRowKernel.Row(n, k, a, csA, b, ldb, c, e, col0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int rows, int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0)
    {
        float* t = stackalloc float[16];
        for (int r = 0; r < rows; r++)
        {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            float* ar = a + r * rsA;
            float* bp = b;
            for (int p = 0; p < kc; p++)
            {
                float x = *ar;
                s0 += x * bp[0];
                s1 += x * bp[1];
                s2 += x * bp[2];
                s3 += x * bp[3];
                ar += csA;
                bp += rsB;
            }
            t[r * 4] = s0; t[r * 4 + 1] = s1; t[r * 4 + 2] = s2; t[r * 4 + 3] = s3;
        }
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + r * ldc;
            for (int j = 0; j < cols; j++) cr[j] = e.Apply(t[r * 4 + j], e.Beta != 0 ? cr[j] : 0f, col0 + j);
        }
    }
}
