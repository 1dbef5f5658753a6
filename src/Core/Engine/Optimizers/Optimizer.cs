using System.Numerics;
using System.Runtime.InteropServices;
using ModelCost.Core.Engine.Runtime;

namespace ModelCost.Core.Engine.Optimizers;

/// <summary>
/// A Keras optimiser over the network's flat weight array. <see cref="Step"/> reads the current
/// weights and writes the updated ones into a second array (see <see cref="Network.SwapParams"/>);
/// element ranges are split across threads, each element updated by one thread, so results do
/// not depend on the thread count.
/// </summary>
internal abstract class Optimizer
{
    private readonly Action<int> _part;
    private float[] _p = [], _g = [], _out = [];
    private WorkerPool? _pool;

    protected Optimizer(double learningRate, int size)
    {
        LearningRate = learningRate;
        Size = size;
        _part = Part;
    }

    public double LearningRate { get; }
    public int Size { get; }

    /// <summary>Number of completed steps (Keras <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    public void Step(float[] current, float[] grads, float[] next, WorkerPool pool)
    {
        Iterations++;
        Prepare(Iterations);
        (_p, _g, _out, _pool) = (current, grads, next, pool);
        // Tiny models are not worth waking workers for.
        if (Size < 16384) Update(0, Size, _p, _g, _out);
        else pool.Run(_part);
    }

    private void Part(int part)
    {
        // Boundaries on vector multiples so every thread count takes the same vector/scalar path per element.
        int vec = Vector<float>.Count;
        int blocks = (Size + vec - 1) / vec;
        var (b0, b1) = WorkerPool.Slice(blocks, _pool!.Threads, part);
        int start = b0 * vec, end = Math.Min(b1 * vec, Size);
        if (end > start) Update(start, end, _p, _g, _out);
    }

    /// <summary>Per-step scalars (bias corrections) computed once before the parallel update.</summary>
    protected virtual void Prepare(long step) { }

    /// <summary>Updates elements [start, end).</summary>
    protected abstract void Update(int start, int end, float[] p, float[] g, float[] next);

    protected static Span<Vector<float>> V(float[] a, int start, int count) =>
        MemoryMarshal.Cast<float, Vector<float>>(a.AsSpan(start, count));
}
