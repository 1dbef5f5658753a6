using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// KerasNLP PositionEmbedding: outputs the first L rows of its (sequence_length, width) table for every sample
/// (the input supplies only the shape; add the result to the token embeddings with an Add layer). The table
/// gradient of position t is the sum over the batch of dy at t, each thread owning a range of (t, column) cells.
/// </summary>
internal sealed class PositionEmbeddingLayer : Layer
{
    private readonly int _tableOff, _tableSize;
    private readonly Action<int> _forward, _backward;
    private int _n;

    public PositionEmbeddingLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _tableOff = net.Offset(l.Name + ".embeddings");
        _tableSize = l.SequenceLength * l.OutputShape[^1];
        _forward = part =>
        {
            var (s0, s1) = WorkerPool.Slice(_n, Threads, part);
            var rows = P.AsSpan(_tableOff, OutSize);
            for (int s = s0; s < s1; s++) rows.CopyTo(Output.AsSpan(s * OutSize));
        };
        _backward = part =>
        {
            var (c0, c1) = WorkerPool.Slice(OutSize, Threads, part);
            var g = G;
            var dy = OutputGrad!;
            for (int c = c0; c < c1; c++)
            {
                float sum = 0;
                for (int s = 0; s < _n; s++) sum += dy[s * OutSize + c];
                g[_tableOff + c] = sum;
            }
        };
    }

    public override void Forward(int n, bool training) { _n = n; Pool.Run(_forward); }

    public override void Backward(int n)
    {
        _n = n;
        Pool.Run(_backward);
        G.AsSpan(_tableOff + OutSize, _tableSize - OutSize).Clear(); // positions beyond the input's length
        if (InputGrads[0] is { } dx) dx.AsSpan(0, n * InSizes[0]).Clear(); // the output does not depend on the input's values
    }
}
