using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Dense on the last axis (Keras semantics for any rank): the batch and leading axes form the
/// rows of one GEMM, split across the engine's worker threads in whole tiles by <see cref="Gemm"/>.
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

    public override void Forward(int n, bool training)
    {
        _rows = n * (OutSize / _units);
        // Bias, and ReLU when no pre-activation is kept, are applied by the GEMM as it stores each tile.
        bool fuseAct = Pre is null && Act is ActivationKind.Relu or ActivationKind.Linear;
        Gemm.SgemmFusedParallel(Pool, false, false, _rows, _units, _in, 1f, Inputs[0], 0, _in, P, _kOff, _units, 0f, Output, 0, _units,
            _bias ? P : null, _bOff, fuseAct && Act == ActivationKind.Relu ? GemmActivation.Relu : GemmActivation.None);
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
        Gemm.SgemmFusedParallel(Pool, true, false, _in, _units, _rows, 1f, Inputs[0], 0, _in, dz, 0, _units, 0f, G, _kOff, _units, null, 0, GemmActivation.None);
        if (_bias) Pool.Run(_biasGrad);
        if (InputGrads[0] is { } dx)
            Gemm.SgemmFusedParallel(Pool, false, true, _rows, _in, _units, 1f, dz, 0, _units, P, _kOff, _units, 0f, dx, 0, _in, null, 0, GemmActivation.None);
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
