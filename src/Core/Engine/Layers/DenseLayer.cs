using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Dense on the last axis (Keras semantics for any rank): the batch and leading axes form the
/// rows of one GEMM, split across the engine's worker threads in whole tiles by <see cref="Gemm"/>.
/// A multiply larger than <see cref="BlockMacs"/> runs as several GEMMs over blocks of rows with a cancellation
/// check before each, so Ctrl+C is seen inside one long Dense multiply; smaller ones (nearly all) stay one GEMM.
/// </summary>
internal sealed class DenseLayer : Layer
{
    private readonly int _in, _units, _kOff, _bOff;
    private readonly bool _bias;
    private readonly Action<int> _epilogue, _activationBack, _biasGrad;
    private int _rows;

    public DenseLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _in = l.InputShape[^1];
        _units = l.Units;
        _bias = l.UseBias;
        _kOff = net.Offset(l.Name + ".kernel");
        _bOff = _bias ? net.Offset(l.Name + ".bias") : -1;
        Act = ActivationMath.Parse(l.Activation);
        _epilogue = Epilogue;
        _activationBack = ActivationBackShard;
        _biasGrad = BiasGradShard;
    }

    /// <summary>Multiply-adds per block of rows (about 0.1 s on one core): the most work done between two cancellation checks.</summary>
    internal const long BlockMacs = 1L << 27;

    /// <summary>Rows per block for a multiply of <paramref name="rows"/> × <paramref name="inner"/> × <paramref name="cols"/>: all rows when it is small.</summary>
    internal static int BlockRows(int rows, int inner, int cols)
    {
        long perRow = Math.Max(1L, (long)inner * cols);
        if (perRow * rows <= BlockMacs) return Math.Max(rows, 1);
        // Whole multiples of 256 rows keep the GEMM's k-blocks (dW sums over rows) the same as one call would make.
        long block = Math.Max(256L, BlockMacs / perRow / 256 * 256);
        return (int)Math.Min(block, rows);
    }

    public override void Forward(int n, bool training)
    {
        _rows = n * (OutSize / _units);
        // Bias, and ReLU when no pre-activation is kept, are applied by the GEMM as it stores each tile.
        bool fuseAct = Pre is null && Act is ActivationKind.Relu or ActivationKind.Linear;
        int block = BlockRows(_rows, _in, _units);
        for (int r0 = 0; r0 < _rows; r0 += block)
        {
            if (block < _rows) ThrowIfCancelled();
            int rn = Math.Min(block, _rows - r0);
            Gemm.SgemmFusedParallel(Pool, false, false, rn, _units, _in, 1f, Inputs[0], r0 * _in, _in, P, _kOff, _units, 0f, Output, r0 * _units, _units,
                _bias ? P : null, _bOff, fuseAct && Act == ActivationKind.Relu ? GemmActivation.Relu : GemmActivation.None);
        }
        if (!fuseAct) Pool.Run(_epilogue);
    }

    private void Epilogue(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        if (r1 <= r0) return;
        Activate(r0 * _units, (r1 - r0) * _units);
    }

    public override void Backward(int n)
    {
        _rows = n * (OutSize / _units);
        var dz = OutputGrad!;
        if (!FusedActivation && Act != ActivationKind.Linear) Pool.Run(_activationBack);
        int block = BlockRows(_rows, _in, _units);
        // dW = Xᵀ·dz sums over rows: each block adds onto the previous ones (beta 1).
        for (int r0 = 0; r0 < _rows; r0 += block)
        {
            if (block < _rows) ThrowIfCancelled();
            int rn = Math.Min(block, _rows - r0);
            Gemm.SgemmFusedParallel(Pool, true, false, _in, _units, rn, 1f, Inputs[0], r0 * _in, _in, dz, r0 * _units, _units, r0 == 0 ? 0f : 1f, G, _kOff, _units, null, 0, GemmActivation.None);
        }
        if (_bias) Pool.Run(_biasGrad);
        if (InputGrads[0] is { } dx)
            for (int r0 = 0; r0 < _rows; r0 += block)
            {
                if (block < _rows) ThrowIfCancelled();
                int rn = Math.Min(block, _rows - r0);
                Gemm.SgemmFusedParallel(Pool, false, true, rn, _in, _units, 1f, dz, r0 * _units, _units, P, _kOff, _units, 0f, dx, r0 * _in, _in, null, 0, GemmActivation.None);
            }
    }

    private void ActivationBackShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        if (r1 > r0) ActivationBackward(r0 * _units, (r1 - r0) * _units);
    }

    // Each thread owns a column range and sums rows in order: deterministic for any thread count.
    private void BiasGradShard(int part)
    {
        var (c0, c1) = WorkerPool.Slice(_units, Threads, part);
        if (c1 <= c0) return;
        var dz = OutputGrad!;
        var g = G;
        for (int j = c0; j < c1; j++)
        {
            float s = 0;
            for (int r = 0; r < _rows; r++) s += dz[r * _units + j];
            g[_bOff + j] = s;
        }
    }
}
