using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Concatenation on one axis: each sample is outer blocks of (axis length × inner) floats per input.</summary>
internal sealed class ConcatenateLayer : Layer
{
    private readonly int _outer;
    private readonly int[] _blocks;

    public ConcatenateLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _outer = 1;
        for (int d = 0; d < l.Axis; d++) _outer *= l.OutputShape[d];
        _blocks = l.InputShapes.Select(s => (int)(ShapeInference.Elements(s) / _outer)).ToArray();
    }

    public override void Forward(int n, bool training)
    {
        for (int s = 0; s < n; s++)
            for (int o = 0; o < _outer; o++)
            {
                int dst = s * OutSize + o * (OutSize / _outer);
                for (int k = 0; k < Inputs.Length; k++)
                {
                    Inputs[k].AsSpan(s * InSizes[k] + o * _blocks[k], _blocks[k]).CopyTo(Output.AsSpan(dst));
                    dst += _blocks[k];
                }
            }
    }

    public override void Backward(int n)
    {
        for (int s = 0; s < n; s++)
            for (int o = 0; o < _outer; o++)
            {
                int src = s * OutSize + o * (OutSize / _outer);
                for (int k = 0; k < Inputs.Length; k++)
                {
                    if (InputGrads[k] is { } dx) OutputGrad.AsSpan(src, _blocks[k]).CopyTo(dx.AsSpan(s * InSizes[k] + o * _blocks[k]));
                    src += _blocks[k];
                }
            }
    }
}
