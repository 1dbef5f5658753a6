using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Flatten and Reshape: the output is the input's floats reinterpreted. The memory plan usually makes it the input's
/// buffer (and the gradient the input gradient's: <see cref="MemoryPlan.IsView"/>); otherwise a copy each way.
/// </summary>
internal sealed class CopyLayer(Network net, ResolvedLayer l) : Layer(net, l)
{
    public override void Forward(int n, bool training)
    {
        if (!ReferenceEquals(Inputs[0], Output)) Inputs[0].AsSpan(0, n * OutSize).CopyTo(Output);
    }

    public override void Backward(int n)
    {
        if (InputGrads[0] is { } dx && !ReferenceEquals(dx, OutputGrad)) OutputGrad.AsSpan(0, n * OutSize).CopyTo(dx);
    }
}
