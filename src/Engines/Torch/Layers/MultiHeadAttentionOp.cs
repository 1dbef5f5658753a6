using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras MultiHeadAttention: inputs [query] (self-attention), [query, value] (key = value) or [query, value, key].</summary>
internal sealed class MultiHeadAttentionOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var query = inputs[0];
        var value = inputs.Length > 1 ? inputs[1] : query;
        var key = inputs.Length > 2 ? inputs[2] : value;
        return AttentionOp.Forward(Weights, Spec.Name + ".", query, value, key, Spec.NumHeads, Spec.KeyDim, Spec.ValueDim,
            Spec.UseCausalMask, Spec.Dropout, step, 0xA77E + (ulong)Spec.Index);
    }
}
