using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engine.Transformer;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Keras LayerNormalization over the last axis (see <see cref="LayerNormOp"/>).</summary>
internal sealed class LayerNormLayer : Layer
{
    private readonly LayerNormOp _norm;
    private readonly int _width;

    public LayerNormLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        _width = l.OutputShape[^1];
        _norm = new LayerNormOp(net, _width, l.Epsilon, net.Offset(l.Name + ".gamma"), net.Offset(l.Name + ".beta"));
    }

    public override void Allocate(int capacity, bool training)
    {
        _norm.Allocate(capacity * (OutSize / _width));
    }

    public override void Forward(int n, bool training) => _norm.Forward(Inputs[0], Output, n * (OutSize / _width));

    public override void Backward(int n) => _norm.Backward(Inputs[0], OutputGrad!, InputGrads[0], n * (OutSize / _width), accumulate: false);
}
