using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Flatten (and any layer whose output is its input's floats reinterpreted): a copy each way.</summary>
internal sealed class CopyLayer(Network net, ResolvedLayer l) : Layer(net, l)
{
    public override void Forward(int n, bool training) => Inputs[0].AsSpan(0, n * OutSize).CopyTo(Output);

    public override void Backward(int n)
    {
        if (InputGrads[0] is { } dx) OutputGrad.AsSpan(0, n * OutSize).CopyTo(dx);
    }
}
