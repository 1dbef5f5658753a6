using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Elementwise sum of same-shaped inputs; the gradient flows unchanged to each.</summary>
internal sealed class AddLayer(Network net, ResolvedLayer l) : Layer(net, l)
{
    public override void Forward(int n, bool training)
    {
        var y = Output.AsSpan(0, n * OutSize);
        Inputs[0].AsSpan(0, y.Length).CopyTo(y);
        for (int k = 1; k < Inputs.Length; k++)
        {
            var x = Inputs[k].AsSpan(0, y.Length);
            for (int i = 0; i < y.Length; i++) y[i] += x[i];
        }
    }

    public override void Backward(int n)
    {
        var dy = OutputGrad.AsSpan(0, n * OutSize);
        foreach (var dx in InputGrads) if (dx is not null) dy.CopyTo(dx);
    }
}
