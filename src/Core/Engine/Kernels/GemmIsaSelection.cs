namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// The micro-kernel family a process runs: the best the CPU has, or a lower one named in
/// <c>MODELCOST_GEMM_ISA</c> (Scalar, Vector128, Avx2Fma, Avx512; case ignored), so the lower paths can be timed
/// and numbers from a machine without AVX-512 reproduced on one with it. A family above the CPU's, or a name that
/// is not one, leaves the CPU's choice: the benchmarks print the family they ran on.
/// </summary>
internal static class GemmIsaSelection
{
    public const string EnvironmentVariable = "MODELCOST_GEMM_ISA";

    public static GemmIsa Resolve(GemmIsa hardware, string? requested) =>
        Enum.TryParse<GemmIsa>(requested, ignoreCase: true, out var isa) && Enum.IsDefined(isa) && !int.TryParse(requested, out _) && isa < hardware
            ? isa
            : hardware;
}
