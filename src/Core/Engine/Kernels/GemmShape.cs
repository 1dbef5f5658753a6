namespace ModelCost.Core.Engine.Kernels;

/// <summary>One GEMM call as the engine made it: op(A) is M×K, op(B) K×N, on up to Threads threads.</summary>
internal readonly record struct GemmShape(int M, int N, int K, bool TransA, bool TransB, int Threads)
{
    public override string ToString() =>
        FormattableString.Invariant($"{M}×{N}×{K}{(TransA ? " Aᵀ" : "")}{(TransB ? " Bᵀ" : "")}");
}
