using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Flatten and Reshape: row-major over channels-last axes, which is Keras' order.</summary>
internal sealed class ReshapeOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step) =>
        inputs[0].reshape([inputs[0].shape[0], .. Spec.OutputShape.Select(d => (long)d)]);
}
