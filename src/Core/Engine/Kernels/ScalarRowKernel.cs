using System.Runtime.CompilerServices;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// <see cref="IRowKernel"/> without SIMD: 8-column strips (eight independent sums, where the 4×4
/// scalar tile has four per row), then one 4-column strip; the epilogue is <see cref="GemmEpilogue.Apply"/>
/// as in <see cref="ScalarKernel"/>.
/// </summary>
internal unsafe struct ScalarRowKernel : IRowKernel
{
    public static int Width => 8;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
    {
        int j = 0;
        for (; j + 8 <= n; j += 8) Strip(8, k, a, csA, b + j, ldb, c + j, e, col0 + j);
        if (j + 4 <= n)
        {
            Strip(4, k, a, csA, b + j, ldb, c + j, e, col0 + j);
            j += 4;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip(int width, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int p = 0; p < k; p++)
        {
            float x = *a;
            s0 += x * b[0];
            s1 += x * b[1];
            s2 += x * b[2];
            s3 += x * b[3];
            if (width > 4)
            {
                s4 += x * b[4];
                s5 += x * b[5];
                s6 += x * b[6];
                s7 += x * b[7];
            }
            a += csA;
            b += ldb;
        }
        float* t = stackalloc float[] { s0, s1, s2, s3, s4, s5, s6, s7 };
        for (int j = 0; j < width; j++) c[j] = e.Apply(t[j], e.Beta != 0 ? c[j] : 0f, col0 + j);
    }
}
