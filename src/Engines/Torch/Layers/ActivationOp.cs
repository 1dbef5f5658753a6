using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras Activation: the input, with the layer's activation applied by the network.</summary>
internal sealed class ActivationOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override string OutputActivation => Spec.Activation;

    public override Tensor Forward(Tensor[] inputs, TorchStep step) => inputs[0];
}
