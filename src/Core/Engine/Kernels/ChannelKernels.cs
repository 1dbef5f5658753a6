using System.Runtime.Intrinsics;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Per-channel loops over channels-last rows (row r, channel j at r·c + j) for BatchNormalization:
/// four channels per 256-bit vector of doubles, each lane doing exactly the scalar loop's operations
/// in the same order, so results are bit-identical to it (and do not depend on the vector width).
/// </summary>
internal static unsafe class ChannelKernels
{
    private static bool Vectorized => Vector256.IsHardwareAccelerated;

    /// <summary>acc[j] += Σ_r x[r, j] (double).</summary>
    public static void Sum(float* x, int rows, int c, double* acc)
    {
        for (int r = 0; r < rows; r++, x += c)
        {
            int j = 0;
            if (Vectorized)
                for (; j + 4 <= c; j += 4)
                    (Vector256.Load(acc + j) + Widen(x + j)).Store(acc + j);
            for (; j < c; j++) acc[j] += x[j];
        }
    }

    /// <summary>acc[j] += Σ_r (x[r, j] − mean[j])² (double).</summary>
    public static void SumSquaredDeviations(float* x, int rows, int c, double* mean, double* acc)
    {
        for (int r = 0; r < rows; r++, x += c)
        {
            int j = 0;
            if (Vectorized)
                for (; j + 4 <= c; j += 4)
                {
                    var d = Widen(x + j) - Vector256.Load(mean + j);
                    (Vector256.Load(acc + j) + d * d).Store(acc + j);
                }
            for (; j < c; j++) { double d = x[j] - mean[j]; acc[j] += d * d; }
        }
    }

    /// <summary>y[r, j] = x[r, j]·scale[j] + shift[j] (float, multiply then add).</summary>
    public static void ScaleShift(float* x, float* y, int rows, int c, float* scale, float* shift)
    {
        for (int r = 0; r < rows; r++, x += c, y += c)
        {
            int j = 0;
            if (Vectorized)
                for (; j + 8 <= c; j += 8)
                    (Vector256.Load(x + j) * Vector256.Load(scale + j) + Vector256.Load(shift + j)).Store(y + j);
            for (; j < c; j++) y[j] = x[j] * scale[j] + shift[j];
        }
    }

    /// <summary>sumDy[j] += Σ dy; sumDyXhat[j] += Σ dy·(x − mean)·invStd (double).</summary>
    public static void GradientSums(float* x, float* dy, int rows, int c, double* mean, double* invStd, double* sumDy, double* sumDyXhat)
    {
        for (int r = 0; r < rows; r++, x += c, dy += c)
        {
            int j = 0;
            if (Vectorized)
                for (; j + 4 <= c; j += 4)
                {
                    var d = Widen(dy + j);
                    (Vector256.Load(sumDy + j) + d).Store(sumDy + j);
                    (Vector256.Load(sumDyXhat + j) + d * (Widen(x + j) - Vector256.Load(mean + j)) * Vector256.Load(invStd + j)).Store(sumDyXhat + j);
                }
            for (; j < c; j++)
            {
                double d = dy[j];
                sumDy[j] += d;
                sumDyXhat[j] += d * (x[j] - mean[j]) * invStd[j];
            }
        }
    }

    /// <summary>
    /// dx = gInv[j]·(dy − invN·(sumDy[j] + x̂·sumDyXhat[j])) with x̂ = (x − mean)·invStd and gInv = γ·invStd
    /// (double, rounded to float once).
    /// </summary>
    public static void InputGradient(float* x, float* dy, float* dx, int rows, int c, double* mean, double* invStd,
        double* gInv, double* sumDy, double* sumDyXhat, double invN)
    {
        var vInvN = Vector256.Create(invN);
        for (int r = 0; r < rows; r++, x += c, dy += c, dx += c)
        {
            int j = 0;
            if (Vectorized)
                for (; j + 4 <= c; j += 4)
                {
                    var xhat = (Widen(x + j) - Vector256.Load(mean + j)) * Vector256.Load(invStd + j);
                    var v = Vector256.Load(gInv + j) * (Widen(dy + j) - vInvN * (Vector256.Load(sumDy + j) + xhat * Vector256.Load(sumDyXhat + j)));
                    Vector128.Narrow(v.GetLower(), v.GetUpper()).Store(dx + j);
                }
            for (; j < c; j++)
            {
                double xhat = (x[j] - mean[j]) * invStd[j];
                dx[j] = (float)(gInv[j] * (dy[j] - invN * (sumDy[j] + xhat * sumDyXhat[j])));
            }
        }
    }

    private static Vector256<double> Widen(float* p) => Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe());
}
