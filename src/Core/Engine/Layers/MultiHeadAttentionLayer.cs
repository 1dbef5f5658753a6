using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engine.Transformer;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Keras MultiHeadAttention: self-attention on one input, or cross-attention on [query, value] (key = value) or
/// [query, value, key]; weights named as Keras names them (query/kernel, ..., attention_output/bias).
/// </summary>
internal sealed class MultiHeadAttentionLayer : Layer
{
    private readonly AttentionCore _core;
    private readonly int _value, _key;

    public MultiHeadAttentionLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        var q = l.InputShapes[0];
        _value = l.InputShapes.Length > 1 ? 1 : 0;
        _key = l.InputShapes.Length > 2 ? 2 : _value;
        var v = l.InputShapes[_value];
        var k = l.InputShapes[_key];
        _core = new AttentionCore(net, l.Name + ".", q[0], v[0], q[1], k[1], v[1], l.NumHeads, l.KeyDim, l.ValueDim,
            l.UseBias, l.UseCausalMask, l.Dropout, 0xA77E + (ulong)l.Index);
    }

    public override void Allocate(int capacity, bool training)
    {
        _core.Allocate(capacity, training);
    }

    public override void Forward(int n, bool training) =>
        _core.Forward(n, Inputs[0], Inputs[_key], Inputs[_value], Output, training);

    public override void Backward(int n) =>
        _core.Backward(n, Inputs[0], Inputs[_key], Inputs[_value], OutputGrad!, InputGrads[0], InputGrads[_key], InputGrads[_value]);
}
