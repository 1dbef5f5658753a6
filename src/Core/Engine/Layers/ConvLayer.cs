using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Conv1D/2D/3D (NDHWC, 1D and 2D as D=1/H=1) lowered to GEMM: each thread owns a shard of the
/// batch, unfolds a chunk of samples (im2col, rows = output positions, columns = kd·kh·kw·cin in
/// Keras kernel order) and multiplies by the (K × filters) kernel. A 1×1 stride-1 unpadded conv
/// uses its input directly. Backward unfolds again unless the unfold was small enough to keep; weight gradients
/// go to per-thread partials summed in thread order.
/// </summary>
internal sealed class ConvLayer : Layer
{
    private const int ChunkFloats = 1 << 19; // ~2 MiB unfold buffer per thread
    // Up to 4 MiB per thread kept from forward to backward: the seed CNN's convs keep theirs, ResNet-18's 3×3 convs
    // (9–19 MiB per thread each, ~100 MiB in all at batch 64) unfold again in backward for ~3 % of the step.
    private const long KeepFloats = 1 << 20;

    private readonly int _d, _h, _w, _c, _kd, _kh, _kw, _sd, _sh, _sw, _pd, _ph, _pw, _od, _oh, _ow, _f;
    private readonly int _positions, _k, _kOff, _bOff;
    private readonly bool _bias, _direct;
    private readonly Action<int> _fwd, _bwd;
    private float[][] _col = []; // kept unfolds only; otherwise Net.Scratch
    private int _chunk, _n;
    private bool _keepUnfold;

    public ConvLayer(Network net, ResolvedLayer l, string kernelParam = "kernel") : base(net, l)
    {
        var ins = l.InputShape;
        int rank = ins.Length - 1;
        int[] Pad3(int[] v, int fill) => rank switch { 1 => [fill, fill, v[0]], 2 => [fill, v[0], v[1]], _ => [v[0], v[1], v[2]] };
        var sp = Pad3(ins[..^1], 1); (_d, _h, _w) = (sp[0], sp[1], sp[2]);
        _c = ins[^1];
        var k = Pad3(l.KernelSize, 1); (_kd, _kh, _kw) = (k[0], k[1], k[2]);
        var s = Pad3(l.Strides, 1); (_sd, _sh, _sw) = (s[0], s[1], s[2]);
        var p = Pad3(l.PadBefore, 0); (_pd, _ph, _pw) = (p[0], p[1], p[2]);
        var o = Pad3(l.OutputShape[..^1], 1); (_od, _oh, _ow) = (o[0], o[1], o[2]);
        _f = l.OutputShape[^1];
        _positions = _od * _oh * _ow;
        _k = _kd * _kh * _kw * _c;
        _bias = l.UseBias;
        _kOff = net.Offset(l.Name + "." + kernelParam);
        _bOff = _bias ? net.Offset(l.Name + ".bias") : -1;
        _direct = _k == _c && _sd == 1 && _sh == 1 && _sw == 1 && _pd == 0 && _ph == 0 && _pw == 0 && _positions == _d * _h * _w;
        Act = ActivationMath.Parse(l.Activation);
        _fwd = ForwardShard;
        _bwd = BackwardShard;
    }

    /// <summary>What a convolution asks of memory besides its output: floats per thread of unfold (shared or kept) and unfold gradient, and weight-gradient partials.</summary>
    internal readonly record struct ScratchNeeds(int Chunk, bool KeepUnfold, long ColPerThread, long DColPerThread, long Partials);

    /// <summary>
    /// When a thread's whole shard unfolds into a modest buffer, it is done in one chunk and kept for backward (no
    /// second unfold; the layer's own buffer); otherwise ~2 MiB chunks unfold in the network's shared scratch and are
    /// redone in backward. A 1×1 stride-1 unpadded convolution unfolds nothing.
    /// </summary>
    internal static ScratchNeeds Needs(ResolvedLayer l, int capacity, int threads, bool training)
    {
        int cin = l.InputShape[^1], filters = l.OutputShape[^1];
        long positions = ShapeInference.Elements(l.OutputShape) / filters;
        long k = cin;
        foreach (var d in l.KernelSize) k *= d;
        bool direct = k == cin && l.Strides.All(v => v == 1) && l.PadBefore.All(v => v == 0) && positions * cin == l.InputElements;
        int perThread = (capacity + threads - 1) / threads;
        long perSample = positions * k;
        bool keep = !direct && training && perThread * perSample <= KeepFloats;
        int chunk = keep ? perThread : (int)Math.Clamp(ChunkFloats / Math.Max(1, perSample), 1, perThread);
        long col = direct ? 0 : chunk * perSample;
        long partials = training ? threads * (k * filters + (l.UseBias ? filters : 0)) : 0;
        return new(chunk, keep, col, training ? col : 0, partials);
    }

    public override void Allocate(int capacity, bool training)
    {
        var needs = Needs(Spec, capacity, Threads, training);
        (_chunk, _keepUnfold) = (needs.Chunk, needs.KeepUnfold);
        _col = [];
        if (_keepUnfold)
        {
            _col = new float[Threads][];
            for (int t = 0; t < Threads; t++) _col[t] = new float[checked((int)needs.ColPerThread)];
        }
        Net.Scratch.Reserve(_keepUnfold ? 0 : needs.ColPerThread, needs.DColPerThread, needs.Partials);
    }

    /// <summary>This layer's unfold scratch for a thread: its own when kept for backward, else the network's.</summary>
    private float[] Col(int part) => _keepUnfold ? _col[part] : Net.Scratch.Col[part];

    public override void Forward(int n, bool training)
    {
        _n = n;
        Pool.Run(_fwd);
    }

    private void ForwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        var x = Inputs[0];
        var w = P;
        int inSize = InSizes[0], outPer = _positions * _f;
        for (int c0 = s0; c0 < s1; c0 += _chunk)
        {
            ThrowIfCancelled();
            int cn = Math.Min(_chunk, s1 - c0);
            ReadOnlySpan<float> a;
            if (_direct) a = x.AsSpan(c0 * inSize, cn * inSize);
            else
            {
                var col = Col(part);
                for (int i = 0; i < cn; i++) Unfold(x.AsSpan((c0 + i) * inSize, inSize), col.AsSpan(i * _positions * _k, _positions * _k));
                a = col.AsSpan(0, cn * _positions * _k);
            }
            var y = Output.AsSpan(c0 * outPer, cn * outPer);
            // Bias, and ReLU when no pre-activation is kept, are applied by the GEMM as it stores each tile.
            bool fuseAct = Pre is null && Act is ActivationKind.Relu or ActivationKind.Linear;
            Gemm.SgemmFused(false, false, cn * _positions, _f, _k, a, _k, w.AsSpan(_kOff, _k * _f), _f, y, _f,
                _bias ? w.AsSpan(_bOff, _f) : default, fuseAct && Act == ActivationKind.Relu ? GemmActivation.Relu : GemmActivation.None);
            if (!fuseAct) Activate(c0 * outPer, cn * outPer);
        }
    }

    public override void Backward(int n)
    {
        _n = n;
        Pool.Run(_bwd);
        int stride = _k * _f + (_bias ? _f : 0);
        ReducePartials(Net.Scratch.Partials, stride, 0, _kOff, _k * _f);
        if (_bias) ReducePartials(Net.Scratch.Partials, stride, _k * _f, _bOff, _f);
    }

    private void BackwardShard(int part)
    {
        var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
        int kf = _k * _f, stride = kf + (_bias ? _f : 0);
        var dw = Net.Scratch.Partials.AsSpan(part * stride, kf);
        var db = _bias ? Net.Scratch.Partials.AsSpan(part * stride + kf, _f) : default;
        dw.Clear(); db.Clear();
        var x = Inputs[0];
        var dxAll = InputGrads[0];
        var w = P;
        int inSize = InSizes[0], outPer = _positions * _f;
        for (int c0 = s0; c0 < s1; c0 += _chunk)
        {
            ThrowIfCancelled();
            int cn = Math.Min(_chunk, s1 - c0);
            ActivationBackward(c0 * outPer, cn * outPer);
            var dz = OutputGrad.AsSpan(c0 * outPer, cn * outPer);
            ReadOnlySpan<float> a;
            if (_direct) a = x.AsSpan(c0 * inSize, cn * inSize);
            else
            {
                var col = Col(part);
                if (!_keepUnfold) // otherwise col still holds this shard's unfold from forward
                    for (int i = 0; i < cn; i++) Unfold(x.AsSpan((c0 + i) * inSize, inSize), col.AsSpan(i * _positions * _k, _positions * _k));
                a = col.AsSpan(0, cn * _positions * _k);
            }
            Gemm.Sgemm(true, false, _k, _f, cn * _positions, 1f, a, _k, dz, _f, 1f, dw, _f);
            if (_bias) ConvLowering.AddColumnSums(dz, cn * _positions, _f, db);
            if (dxAll is null) continue;
            if (_direct)
            {
                Gemm.Sgemm(false, true, cn * _positions, _k, _f, 1f, dz, _f, w.AsSpan(_kOff, kf), _f, 0f, dxAll.AsSpan(c0 * inSize, cn * inSize), _k);
            }
            else
            {
                var dcol = Net.Scratch.DCol[part].AsSpan(0, cn * _positions * _k);
                Gemm.Sgemm(false, true, cn * _positions, _k, _f, 1f, dz, _f, w.AsSpan(_kOff, kf), _f, 0f, dcol, _k);
                for (int i = 0; i < cn; i++) Fold(dcol.Slice(i * _positions * _k, _positions * _k), dxAll.AsSpan((c0 + i) * inSize, inSize));
            }
        }
    }

    private WindowGeometry Geometry => new(_d, _h, _w, _c, _kd, _kh, _kw, _sd, _sh, _sw, _pd, _ph, _pw, _od, _oh, _ow);

    // im2col / col2im: Kernels/ConvLowering (same values, same order as the per-element loops they replace).
    private void Unfold(ReadOnlySpan<float> x, Span<float> col) => ConvLowering.Unfold(x, col, Geometry);

    private void Fold(ReadOnlySpan<float> dcol, Span<float> dx) => ConvLowering.Fold(dcol, dx, Geometry);
}
