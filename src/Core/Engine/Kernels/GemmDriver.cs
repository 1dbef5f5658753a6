using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// The blocked GEMM behind <see cref="Gemm"/> (Goto/BLIS loop order): for each NC-column block of
/// B and KC-deep slice of k, pack that B slice once into NR-wide panels (kept in L2/L3), then for
/// each MC-row block of A pack it into MR-tall panels (kept in L2) and sweep micro-kernel tiles
/// whose B panel stays in L1. Small problems skip packing and run the kernels on A and B in place.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Depth of a k-slice: a 16-wide B panel of 256 floats is 16 KiB of the 48 KiB L1d.</summary>
    internal static int KC = 256;

    /// <summary>Rows of A packed at once: 144×256×4 B = 144 KiB, well inside a 1 MiB L2.</summary>
    internal static int MC = 144;

    /// <summary>Columns of B packed at once: 256×3072×4 B = 3 MiB, the L3 share of a core.</summary>
    internal static int NC = 3072;

    /// <summary>B (k×n floats) up to this size is read in place instead of packed.</summary>
    internal static long DirectMaxB = 8 * 1024;

    /// <summary>Whether Auto sends one row of C to the row kernels (benchmarks switch it off to compare).</summary>
    internal static bool RowStreamAuto = true;

    /// <summary>Below this many multiply-adds a parallel call runs on one thread.</summary>
    internal static long ParallelMinMacs = 256 * 1024;

    /// <summary>The best family this CPU runs.</summary>
    public static readonly GemmIsa Hardware =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? GemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmIsa.Avx2Fma
        : Vector128.IsHardwareAccelerated ? GemmIsa.Vector128
        : GemmIsa.Scalar;

    /// <summary>The family every GEMM of this process runs: <see cref="Hardware"/> unless MODELCOST_GEMM_ISA names a lower one.</summary>
    public static readonly GemmIsa Detected = GemmIsaSelection.Resolve(Hardware, Environment.GetEnvironmentVariable(GemmIsaSelection.EnvironmentVariable));

    /// <summary>
    /// Sees every call's shape (the benchmarks list the shapes a model produces this way); null in
    /// production. Called concurrently when layers run GEMMs on several threads.
    /// </summary>
    internal static Action<GemmShape>? Observer;

    public static void Run(GemmIsa isa, int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, float* bias, GemmActivation activation,
        GemmPath path = GemmPath.Auto, IParallelRunner? runner = null)
    {
        if (m == 0 || n == 0) return;
        Observer?.Invoke(new GemmShape(m, n, k, transA, transB, threads));
        var e = new GemmEpilogue
        {
            Alpha = alpha,
            Beta = beta,
            Bias = bias,
            Activation = activation,
            Final = true,
            Fused = isa switch
            {
                GemmIsa.Avx512 => Avx512F.IsSupported,
                GemmIsa.Avx2Fma => Fma.IsSupported,
                GemmIsa.Vector128 => AdvSimd.IsSupported,
                _ => false,
            },
        };
        var job = new Job { Path = path, TransA = transA, TransB = transB, M = m, N = n, K = k, A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc, E = e };
        if (k == 0 || alpha == 0)
        {
            ScaleOnly(job);
            return;
        }
        switch (isa)
        {
            // A 32-wide tile would be half empty for n ≤ 16 (a 16-filter convolution, a 10-class head):
            // the 6×16 ymm kernel wastes nothing there and runs at the same rate on AVX-512 hardware.
            case GemmIsa.Avx512 when n <= 16: Run<Avx2Kernel>(threads, job, runner); break;
            case GemmIsa.Avx512: Run<Avx512Kernel>(threads, job, runner); break;
            case GemmIsa.Avx2Fma: Run<Avx2Kernel>(threads, job, runner); break;
            case GemmIsa.Vector128: Run<Vector128Kernel>(threads, job, runner); break;
            default: Run<ScalarKernel>(threads, job, runner); break;
        }
    }

    /// <summary>Everything a range of C needs; a struct so the parallel path shares one copy.</summary>
    private struct Job
    {
        public GemmPath Path;
        public bool TransA, TransB, Direct, Rows;
        public int M, N, K;
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;
        public GemmEpilogue E;
    }

    private static void Run<TK>(int threads, Job job, IParallelRunner? runner) where TK : struct, IMicroKernel
    {
        // Decided from the whole problem, never per thread, so the thread count cannot change rounding.
        // One row of C (batch 1) streams B through the row kernel: nothing packed, eight FMA chains.
        job.Rows = !job.TransB && (job.Path == GemmPath.RowStream || (job.Path == GemmPath.Auto && job.M == 1 && RowStreamAuto));
        job.Direct = job.Path switch
        {
            GemmPath.Direct => true,
            GemmPath.Packed => false,
            // A transposed B is packed whole first, so it must be small. A large B read in place is
            // streamed once per row tile, so only one row tile (batch 1) may read it in place: with
            // two or more (16×512×4608, a 4×4 feature map at batch 1) packing is 4× faster.
            _ => job.TransB
                ? (long)job.K * job.N <= DirectMaxB
                : ((long)job.K * job.N <= DirectMaxB || job.M <= TK.MR)
                    && (job.N % TK.NR == 0 || (long)job.K * TK.NR <= 1 << 20),
        };

        long macs = (long)job.M * job.N * job.K;
        int tilesM = (job.M + TK.MR - 1) / TK.MR, tilesN = (job.N + TK.NR - 1) / TK.NR;
        // The row path splits columns in whole strips (a multiple of NR), so a strip never straddles two threads.
        int strips = (job.N + TK.RowWidth - 1) / TK.RowWidth;
        if (threads <= 1 || macs < ParallelMinMacs || (job.Rows ? strips : tilesM * tilesN) < 2)
        {
            Range<TK>(job, 0, job.M, 0, job.N);
            return;
        }

        Split split;
        if (job.Rows)
        {
            threads = Math.Min(threads, strips);
            int chunkStrips = (strips + threads - 1) / threads;
            split = new Split { Job = job, ChunkN = chunkStrips * (TK.RowWidth / TK.NR), Parts = (strips + chunkStrips - 1) / chunkStrips };
        }
        else
        {
            // Split C in whole tiles along whichever dimension balances better; tile boundaries then
            // match the one-thread run exactly.
            threads = Math.Min(threads, Math.Max(tilesM, tilesN));
            int chunkM = (tilesM + threads - 1) / threads, chunkN = (tilesN + threads - 1) / threads;
            double imbalanceM = Math.Min(chunkM * TK.MR, job.M) / ((double)job.M / threads);
            double imbalanceN = Math.Min(chunkN * TK.NR, job.N) / ((double)job.N / threads);
            // Splitting M makes every thread pack all of B (k×n), splitting N all of A (m×k): prefer the
            // split that duplicates the smaller operand unless it is clearly worse balanced.
            bool splitM = tilesN < threads ? tilesM >= threads
                : tilesM < threads ? false
                : job.N <= job.M ? imbalanceM <= 1.25 * imbalanceN : 1.25 * imbalanceM < imbalanceN;
            int parts = splitM ? (tilesM + chunkM - 1) / chunkM : (tilesN + chunkN - 1) / chunkN;
            split = new Split { Job = job, SplitM = splitM, ChunkM = chunkM, ChunkN = chunkN, Parts = parts };
        }
        int partCount = split.Parts;
        if (runner is not null && runner.Threads >= partCount)
        {
            // The runner's threads: a cached per-runner job object, so nothing is allocated per call.
            var shared = RunnerJobs.GetValue(runner, _ => new RunnerJob());
            shared.Split = split;
            if (shared.Body is null || shared.Kernel != typeof(TK))
            {
                shared.Body = shared.Execute<TK>;
                shared.Kernel = typeof(TK);
            }
            runner.Run(shared.Body);
            return;
        }
        Parallel.For(0, partCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => split.Execute<TK>(t));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IParallelRunner, RunnerJob> RunnerJobs = new();

    /// <summary>One part of a parallel GEMM: a range of whole tiles of C.</summary>
    private struct Split
    {
        public Job Job;
        public bool SplitM;
        public int ChunkM, ChunkN, Parts;

        public readonly void Execute<TK>(int t) where TK : struct, IMicroKernel
        {
            if (t >= Parts) return;
            if (SplitM)
            {
                int i0 = t * ChunkM * TK.MR;
                Range<TK>(Job, i0, Math.Min(Job.M, i0 + ChunkM * TK.MR), 0, Job.N);
            }
            else
            {
                int j0 = t * ChunkN * TK.NR;
                Range<TK>(Job, 0, Job.M, j0, Math.Min(Job.N, j0 + ChunkN * TK.NR));
            }
        }
    }

    private sealed class RunnerJob
    {
        public Split Split;
        public Action<int>? Body;
        public Type? Kernel;

        public void Execute<TK>(int t) where TK : struct, IMicroKernel => Split.Execute<TK>(t);
    }

    private static void Range<TK>(in Job job, int i0, int i1, int j0, int j1) where TK : struct, IMicroKernel
    {
        if (job.Rows) Rows<TK>(job, i0, i1, j0, j1);
        else if (job.Direct) Direct<TK>(job, i0, i1, j0, j1);
        else Packed<TK>(job, i0, i1, j0, j1);
    }

    /// <summary>
    /// Each row of C through the family's row kernel over B in place (m = 1 in production; a forced
    /// path with more rows reads B once per row); columns left after its whole strips take the direct path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TK>(in Job job, int i0, int i1, int j0, int j1) where TK : struct, IMicroKernel
    {
        nint rsA = job.TransA ? 1 : job.Lda, csA = job.TransA ? job.Lda : 1;
        for (int i = i0; i < i1; i++)
        {
            int done = TK.Row(j1 - j0, job.K, job.A + i * rsA, csA, job.B + j0, job.Ldb, job.C + i * job.Ldc + j0, job.E, j0);
            if (j0 + done < j1) Direct<TK>(job, i, i + 1, j0 + done, j1);
        }
    }

    /// <summary>
    /// No A packing: kernels read A through its strides. B rows are read in place, except a
    /// transposed B (packed whole into panels) and, for kernels that cannot mask their loads, the
    /// last partial column panel (copied zero-padded so the kernel never reads past B).
    /// </summary>
    private static void Direct<TK>(in Job job, int i0, int i1, int j0, int j1) where TK : struct, IMicroKernel
    {
        int mr = TK.MR, nr = TK.NR, k = job.K;
        nint rsA = job.TransA ? 1 : job.Lda, csA = job.TransA ? job.Lda : 1;
        float* panels = null;
        int jFull = j1;
        // A panel read in place must not have the packed stride NR, which tells kernels it is zero-padded.
        bool inPlaceEdge = !job.TransB && TK.ReadsPartialPanels && job.Ldb != nr;
        if (job.TransB)
        {
            panels = GemmBuffers.Edge(k * RoundUp(j1 - j0, nr));
            PackB<TK>(job, 0, k, j0, j1 - j0, panels);
        }
        else
        {
            jFull = j0 + (j1 - j0) / nr * nr;
            if (jFull < j1 && !inPlaceEdge)
            {
                panels = GemmBuffers.Edge(k * nr);
                PackB<TK>(job, 0, k, jFull, j1 - jFull, panels);
            }
        }
        for (int i = i0; i < i1; i += mr)
        {
            int rows = Math.Min(mr, i1 - i);
            float* ai = job.A + i * rsA;
            float* ci = job.C + i * job.Ldc;
            if (job.TransB)
            {
                for (int j = j0; j < j1; j += nr)
                    TK.Tile(rows, Math.Min(nr, j1 - j), k, ai, rsA, csA, panels + (j - j0) * k, nr, ci + j, job.Ldc, job.E, j);
                continue;
            }
            for (int j = j0; j < jFull; j += nr)
                TK.Tile(rows, nr, k, ai, rsA, csA, job.B + j, job.Ldb, ci + j, job.Ldc, job.E, j);
            if (jFull < j1)
            {
                if (inPlaceEdge) TK.Tile(rows, j1 - jFull, k, ai, rsA, csA, job.B + jFull, job.Ldb, ci + jFull, job.Ldc, job.E, jFull);
                else TK.Tile(rows, j1 - jFull, k, ai, rsA, csA, panels, nr, ci + jFull, job.Ldc, job.E, jFull);
            }
        }
    }

    /// <summary>The blocked, packed path for everything that does not fit the direct one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Packed<TK>(in Job job, int i0, int i1, int j0, int j1) where TK : struct, IMicroKernel
    {
        int mr = TK.MR, nr = TK.NR, k = job.K;
        // Even k-slices (300 = 150 + 150, not 256 + 44): a short last slice wastes a packing pass.
        int kBlocks = (k + KC - 1) / KC, kcMax = (k + kBlocks - 1) / kBlocks;
        int m = i1 - i0, mBlocks = (m + MC - 1) / MC, mcMax = RoundUp((m + mBlocks - 1) / mBlocks, mr);
        int ncMax = Math.Min(RoundUp(j1 - j0, nr), RoundUp(NC, nr));
        float* bp = GemmBuffers.B(kcMax * ncMax);
        float* ap = GemmBuffers.A(kcMax * mcMax);
        var e = job.E;
        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                e.Beta = pc == 0 ? job.E.Beta : 1f;
                e.Final = pc + kc == k;
                PackB<TK>(job, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    PackA<TK>(job, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = bp + jr * kc;
                        float* cBlock = job.C + ic * job.Ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                            TK.Tile(Math.Min(mr, mc - ir), cols, kc, ap + ir * kc, 1, mr, bPanel, nr,
                                cBlock + ir * job.Ldc, job.Ldc, e, jc + jr);
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    private static void PackA<TK>(in Job job, int ic, int mc, int pc, int kc, float* dst) where TK : struct, IMicroKernel
        => GemmPacking.PackA(job.A, job.Lda, job.TransA, ic, mc, pc, kc, TK.MR, dst);

    private static void PackB<TK>(in Job job, int pc, int kc, int jc, int nc, float* dst) where TK : struct, IMicroKernel
        => GemmPacking.PackB(job.B, job.Ldb, job.TransB, pc, kc, jc, nc, TK.NR, dst);

    /// <summary>k = 0 or alpha = 0: no product, C = act(beta·C + bias).</summary>
    private static void ScaleOnly(in Job job)
    {
        for (int i = 0; i < job.M; i++)
        {
            float* ci = job.C + i * job.Ldc;
            for (int j = 0; j < job.N; j++) ci[j] = job.E.Apply(0f, job.E.Beta != 0 ? ci[j] : 0f, j);
        }
    }
}
