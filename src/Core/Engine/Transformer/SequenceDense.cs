using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;

namespace ModelCost.Core.Engine.Transformer;

/// <summary>
/// y = x·W + b over rows of a sequence batch (a Dense inside a layer: attention projections, feed-forward), through
/// the engine's parallel GEMM. Weights are read from the network's current parameter array at every call because
/// the optimiser swaps it. Bias gradients are column sums, each thread owning whole columns (deterministic).
/// </summary>
internal sealed class SequenceDense
{
    private readonly Network _net;
    private readonly Action<int> _biasGrad;
    private float[] _dy = [];
    private int _rows;

    public SequenceDense(Network net, int inDim, int outDim, int kernelOffset, int biasOffset)
    {
        _net = net;
        In = inDim;
        Out = outDim;
        KernelOffset = kernelOffset;
        BiasOffset = biasOffset;
        _biasGrad = BiasGradShard;
    }

    public int In { get; }
    public int Out { get; }
    public int KernelOffset { get; }
    /// <summary>-1 when the layer has no bias.</summary>
    public int BiasOffset { get; }

    public void Forward(float[] x, float[] y, int rows) =>
        Gemm.SgemmFusedParallel(_net.Pool, false, false, rows, Out, In, 1f, x, 0, In, _net.Params, KernelOffset, Out, 0f, y, 0, Out,
            BiasOffset >= 0 ? _net.Params : null, Math.Max(BiasOffset, 0), GemmActivation.None);

    /// <summary>Weight and bias gradients (overwritten); dx = dy·Wᵀ written, or added when <paramref name="accumulate"/>.</summary>
    public void Backward(float[] x, float[] dy, int rows, float[]? dx, bool accumulate)
    {
        Gemm.SgemmFusedParallel(_net.Pool, true, false, In, Out, rows, 1f, x, 0, In, dy, 0, Out, 0f, _net.Grads, KernelOffset, Out, null, 0, GemmActivation.None);
        if (BiasOffset >= 0)
        {
            _dy = dy; _rows = rows;
            _net.Pool.Run(_biasGrad);
            _dy = [];
        }
        if (dx is not null)
            Gemm.SgemmFusedParallel(_net.Pool, false, true, rows, In, Out, 1f, dy, 0, Out, _net.Params, KernelOffset, Out, accumulate ? 1f : 0f, dx, 0, In, null, 0, GemmActivation.None);
    }

    private void BiasGradShard(int part)
    {
        var (c0, c1) = WorkerPool.Slice(Out, _net.Pool.Threads, part);
        var g = _net.Grads;
        for (int j = c0; j < c1; j++)
        {
            float s = 0;
            for (int r = 0; r < _rows; r++) s += _dy[r * Out + j];
            g[BiasOffset + j] = s;
        }
    }
}
