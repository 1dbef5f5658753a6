using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>ZeroPadding2D: copies each input row into the padded output; backward crops.</summary>
internal sealed class ZeroPadding2DLayer : Layer
{
    private readonly int _h, _w, _c, _top, _left, _ow;

    public ZeroPadding2DLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        (_h, _w, _c) = (l.InputShape[0], l.InputShape[1], l.InputShape[2]);
        (_top, _left) = (l.PadBefore[0], l.PadBefore[1]);
        _ow = l.OutputShape[1];
    }

    public override void Forward(int n, bool training)
    {
        Output.AsSpan(0, n * OutSize).Clear();
        for (int s = 0; s < n; s++)
            for (int i = 0; i < _h; i++)
                Inputs[0].AsSpan(s * InSizes[0] + i * _w * _c, _w * _c)
                    .CopyTo(Output.AsSpan(s * OutSize + ((i + _top) * _ow + _left) * _c));
    }

    public override void Backward(int n)
    {
        if (InputGrads[0] is not { } dx) return;
        for (int s = 0; s < n; s++)
            for (int i = 0; i < _h; i++)
                OutputGrad.AsSpan(s * OutSize + ((i + _top) * _ow + _left) * _c, _w * _c)
                    .CopyTo(dx.AsSpan(s * InSizes[0] + i * _w * _c));
    }
}
