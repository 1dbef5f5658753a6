namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Scratch that a layer uses only inside its own forward or backward: the convolutions' per-thread im2col unfold and
/// its col2im gradient twin, and the per-thread weight-gradient partials they sum in thread order. Layers run one at
/// a time, so one set, sized for the layer that needs the most, serves every layer. Layers reserve in
/// <see cref="Layer.Allocate"/>; the network allocates once all have.
/// </summary>
internal sealed class LayerScratch(int threads)
{
    private long _col, _dcol, _partials;

    /// <summary>Unfold scratch, one per thread.</summary>
    public float[][] Col { get; private set; } = [];

    /// <summary>Unfold-gradient scratch, one per thread (training only).</summary>
    public float[][] DCol { get; private set; } = [];

    /// <summary>Weight-gradient partials of every thread, back to back (training only).</summary>
    public float[] Partials { get; private set; } = [];

    /// <summary>Asks for at least these many floats: per thread of unfold and unfold gradient, in all of partials.</summary>
    public void Reserve(long col, long dcol, long partials)
    {
        _col = Math.Max(_col, col);
        _dcol = Math.Max(_dcol, dcol);
        _partials = Math.Max(_partials, partials);
    }

    /// <summary>Floats allocated: every thread's unfold and unfold gradient, and the partials.</summary>
    public long Floats => threads * (_col + _dcol) + _partials;

    public void Allocate()
    {
        Col = Enumerable.Range(0, threads).Select(_ => new float[checked((int)_col)]).ToArray();
        DCol = Enumerable.Range(0, threads).Select(_ => new float[checked((int)_dcol)]).ToArray();
        Partials = new float[checked((int)_partials)];
    }
}
