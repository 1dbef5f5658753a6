using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras Permute (the axes after the batch in the spec's order) and MatMul (numpy matmul of two inputs, leading
/// axes broadcast; the batch axis stays first, so the lower-rank input gains its missing axes after the batch).
/// </summary>
internal sealed class PermuteMatMulOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        if (Spec.Type == LayerTypes.Permute)
            return inputs[0].permute([0, .. Spec.Dims.Select(d => (long)d + 1)]);
        Tensor a = inputs[0], b = inputs[1];
        while (a.dim() < b.dim()) a = a.unsqueeze(1);
        while (b.dim() < a.dim()) b = b.unsqueeze(1);
        return a.matmul(b);
    }
}
