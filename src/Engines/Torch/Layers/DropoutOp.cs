using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras Dropout (inverted) with the managed engine's masks (salt 0xD50F + layer index), identity in inference.</summary>
internal sealed class DropoutOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step) =>
        TorchDropout.Apply(inputs[0], Spec.Rate, step, 0xD50F + (ulong)Spec.Index);
}
