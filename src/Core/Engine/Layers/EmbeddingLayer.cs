using System.Globalization;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Keras Embedding: each input value is a token id (float inputs are truncated to int, as Keras casts them);
/// the output is that row of the (input_dim, output_dim) table. With constant_id every position reads that row.
/// The table gradient is a scatter-add; each thread owns a range of the table's columns and walks the rows in
/// order, so the sums do not depend on the thread count. Only rows touched in this or the previous step are
/// cleared, so a step costs O(tokens · width), not O(vocabulary · width).
/// </summary>
internal sealed class EmbeddingLayer : Layer
{
    private readonly int _vocab, _width, _tableOff, _constant;
    private readonly Action<int> _forward, _backward;
    private int[] _ids = [], _previousIds = [];
    private int _rows, _previousRows;

    public EmbeddingLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _vocab = l.InputDim;
        _width = l.OutputDim;
        _constant = l.ConstantId;
        _tableOff = net.Offset(l.Name + ".embeddings");
        _forward = ForwardShard;
        _backward = BackwardShard;
    }

    public override void Allocate(int capacity, bool training)
    {
        _ids = new int[checked(capacity * InSizes[0])];
        if (training) _previousIds = new int[_ids.Length];
    }

    public override void Forward(int n, bool training)
    {
        _rows = n * InSizes[0];
        var x = Inputs[0];
        for (int r = 0; r < _rows; r++)
        {
            if (_constant >= 0) { _ids[r] = _constant; continue; }
            float v = x[r];
            int id = float.IsFinite(v) && v > -1 && v < _vocab ? (int)v : -1;
            if (id < 0)
                throw new ModelCostException(ErrorIds.TokenIdOutOfRange, ModelCostErrorCategory.InvalidData,
                    string.Create(CultureInfo.InvariantCulture, $"Layer {Spec.Index} '{Spec.Name}' (Embedding), option 'input_dim': sample {r / InSizes[0]}, position {r % InSizes[0]} holds token id {v}, outside the table's 0 to {_vocab - 1}."), Spec.Name)
                { LayerIndex = Spec.Index, LayerName = Spec.Name, Option = "input_dim" };
            _ids[r] = id;
        }
        Pool.Run(_forward);
    }

    private void ForwardShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, Threads, part);
        var p = P;
        for (int r = r0; r < r1; r++) p.AsSpan(_tableOff + _ids[r] * _width, _width).CopyTo(Output.AsSpan(r * _width));
    }

    public override void Backward(int n)
    {
        _rows = n * InSizes[0];
        Pool.Run(_backward);
        (_ids, _previousIds) = (_previousIds, _ids);
        // _previousIds now holds this step's ids (the forward of the next step overwrites _ids).
        _previousRows = _rows;
        if (InputGrads[0] is { } dx) dx.AsSpan(0, n * InSizes[0]).Clear(); // ids are not differentiable
    }

    private void BackwardShard(int part)
    {
        var (c0, c1) = WorkerPool.Slice(_width, Threads, part);
        if (c1 <= c0) return;
        var g = G;
        var dy = OutputGrad!;
        for (int r = 0; r < _previousRows; r++) g.AsSpan(_tableOff + _previousIds[r] * _width + c0, c1 - c0).Clear();
        for (int r = 0; r < _rows; r++) g.AsSpan(_tableOff + _ids[r] * _width + c0, c1 - c0).Clear();
        for (int r = 0; r < _rows; r++)
        {
            var dst = g.AsSpan(_tableOff + _ids[r] * _width + c0, c1 - c0);
            var src = dy.AsSpan(r * _width + c0, c1 - c0);
            for (int j = 0; j < dst.Length; j++) dst[j] += src[j];
        }
    }
}
