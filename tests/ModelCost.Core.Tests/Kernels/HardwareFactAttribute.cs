using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// A fact that needs AVX-512F in the CPU: skipped, visibly and with the reason, elsewhere. (The
/// forced-family tests in <see cref="GemmTests"/> run the AVX-512 kernel's logic on any CPU through
/// the runtime's emulated Vector512; this attribute marks the tests of the real instructions.)
/// </summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (!(Avx512F.IsSupported && Vector512.IsHardwareAccelerated))
            Skip = $"needs AVX-512F hardware; this CPU runs the {ModelCost.Core.Engine.Kernels.Gemm.Isa} kernels";
    }
}
