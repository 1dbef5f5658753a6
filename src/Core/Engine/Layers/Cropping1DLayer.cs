using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Keras Cropping1D: drops positions at the start and end of each sequence (e.g. keeps BERT's [CLS] position).</summary>
internal sealed class Cropping1DLayer(Network net, ResolvedLayer l) : Layer(net, l)
{
    private readonly int _skip = l.CropStart * l.InputShape[1];

    public override void Forward(int n, bool training)
    {
        for (int s = 0; s < n; s++) Inputs[0].AsSpan(s * InSizes[0] + _skip, OutSize).CopyTo(Output.AsSpan(s * OutSize));
    }

    public override void Backward(int n)
    {
        if (InputGrads[0] is not { } dx) return;
        dx.AsSpan(0, n * InSizes[0]).Clear();
        for (int s = 0; s < n; s++) OutputGrad.AsSpan(s * OutSize, OutSize).CopyTo(dx.AsSpan(s * InSizes[0] + _skip));
    }
}
