using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// MODELCOST_GEMM_ISA may only lower the family the CPU runs (a family the CPU lacks would run on emulated vectors,
/// correct but many times slower, and then be printed as if it were the real one).
/// </summary>
public class GemmIsaSelectionTests
{
    [Theory]
    [InlineData(GemmIsa.Avx2Fma, null, GemmIsa.Avx2Fma)]
    [InlineData(GemmIsa.Avx2Fma, "", GemmIsa.Avx2Fma)]
    [InlineData(GemmIsa.Avx2Fma, "Vector128", GemmIsa.Vector128)]
    [InlineData(GemmIsa.Avx2Fma, "scalar", GemmIsa.Scalar)]
    [InlineData(GemmIsa.Avx512, "AVX2FMA", GemmIsa.Avx2Fma)]
    [InlineData(GemmIsa.Avx2Fma, "Avx512", GemmIsa.Avx2Fma)]    // above the CPU: the CPU's own
    [InlineData(GemmIsa.Avx2Fma, "Avx2Fma", GemmIsa.Avx2Fma)]
    [InlineData(GemmIsa.Avx2Fma, "sse", GemmIsa.Avx2Fma)]       // not a family name
    [InlineData(GemmIsa.Avx2Fma, "0", GemmIsa.Avx2Fma)]         // numbers are not names
    [InlineData(GemmIsa.Vector128, "7", GemmIsa.Vector128)]
    public void A_requested_family_lowers_the_hardware_one_and_nothing_else(GemmIsa hardware, string? requested, GemmIsa expected)
        => Assert.Equal(expected, GemmIsaSelection.Resolve(hardware, requested));
}
