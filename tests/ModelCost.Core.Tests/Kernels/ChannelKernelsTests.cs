using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// BatchNormalization's per-channel loops against the plain scalar formulas written out here
/// (double accumulation, rows in order): every lane does the same operations in the same order,
/// so the results must be bit-identical, for channel counts that fill vectors and ones that leave tails.
/// </summary>
public unsafe class ChannelKernelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(64)]
    public void EveryKernelEqualsTheScalarFormula(int c)
    {
        const int rows = 9;
        var rng = new Random(c);
        float[] F(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 1)).ToArray();
        double[] D(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 0.5).ToArray();
        var x = F(rows * c);
        var dy = F(rows * c);
        var mean = D(c);
        var invStd = D(c);
        var gInv = D(c);
        var sumDy = D(c);
        var sumDyXhat = D(c);
        var scale = F(c);
        var shift = F(c);
        const double invN = 1.0 / rows;

        var sum = new double[c]; var sq = new double[c]; var gs1 = new double[c]; var gs2 = new double[c];
        var y = new float[rows * c]; var dx = new float[rows * c];
        var eSum = new double[c]; var eSq = new double[c]; var eGs1 = new double[c]; var eGs2 = new double[c];
        var eY = new float[rows * c]; var eDx = new float[rows * c];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < c; j++)
            {
                int i = r * c + j;
                eSum[j] += x[i];
                double d = x[i] - mean[j];
                eSq[j] += d * d;
                eY[i] = x[i] * scale[j] + shift[j];
                double g = dy[i];
                eGs1[j] += g;
                eGs2[j] += g * (x[i] - mean[j]) * invStd[j];
                double xhat = (x[i] - mean[j]) * invStd[j];
                eDx[i] = (float)(gInv[j] * (dy[i] - invN * (sumDy[j] + xhat * sumDyXhat[j])));
            }

        fixed (float* px = x, pdy = dy, py = y, pdx = dx, psc = scale, psh = shift)
        fixed (double* pm = mean, pis = invStd, pg = gInv, psd = sumDy, psdx = sumDyXhat, ps = sum, psq = sq, p1 = gs1, p2 = gs2)
        {
            ChannelKernels.Sum(px, rows, c, ps);
            ChannelKernels.SumSquaredDeviations(px, rows, c, pm, psq);
            ChannelKernels.ScaleShift(px, py, rows, c, psc, psh);
            ChannelKernels.GradientSums(px, pdy, rows, c, pm, pis, p1, p2);
            ChannelKernels.InputGradient(px, pdy, pdx, rows, c, pm, pis, pg, psd, psdx, invN);
        }
        Assert.Equal(eSum, sum);
        Assert.Equal(eSq, sq);
        Assert.Equal(eY, y);
        Assert.Equal(eGs1, gs1);
        Assert.Equal(eGs2, gs2);
        Assert.Equal(eDx, dx);
    }
}
