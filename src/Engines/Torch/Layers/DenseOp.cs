using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras Dense on the last axis of any rank: x·kernel (in, units) + bias.</summary>
internal sealed class DenseOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override string OutputActivation => Spec.Activation;

    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var y = inputs[0].matmul(W("kernel"));
        return OptionalW("bias") is { } b ? y + b : y;
    }
}
