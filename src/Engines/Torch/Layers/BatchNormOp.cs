using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras BatchNormalization on the channel (last) axis. Training normalises with the batch mean and biased
/// variance and moves the statistics as Keras does (moving·momentum + batch·(1 − momentum), biased variance);
/// libtorch's own batch_norm would move the variance with the unbiased estimate, so the update is written out.
/// </summary>
internal sealed class BatchNormOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        Tensor gamma = W("gamma"), beta = W("beta"), movingMean = W("moving_mean"), movingVar = W("moving_variance");
        if (!step.Training)
            return (x - movingMean) * (movingVar + Spec.Epsilon).rsqrt() * gamma + beta;
        var axes = Enumerable.Range(0, (int)x.dim() - 1).Select(a => (long)a).ToArray();
        var mean = x.mean(axes);
        var centred = x - mean;
        var variance = (centred * centred).mean(axes);
        using (no_grad())
        {
            double m = Spec.Momentum;
            movingMean.mul_(m).add_(mean.detach(), 1 - m);
            movingVar.mul_(m).add_(variance.detach(), 1 - m);
        }
        return centred * (variance + Spec.Epsilon).rsqrt() * gamma + beta;
    }
}
