using ModelCost.Core.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>
/// The managed engine's losses on the last layer's logits, in float64 as it computes them: softmax cross-entropy
/// (log-sum-exp) for the (sparse) categorical losses with integer labels, softplus binary cross-entropy averaged
/// over the outputs; accuracy is argmax = label, or Keras' binary accuracy (logit &gt; 0).
/// </summary>
internal sealed class TorchLoss(LossKind kind)
{
    /// <summary>Mean loss over the batch (to differentiate), with the batch's loss sum and correct count.</summary>
    public (Tensor Mean, double Sum, double Correct) Compute(Tensor logits, Tensor labels)
    {
        var z = logits.reshape(logits.shape[0], -1).to_type(ScalarType.Float64);
        long n = z.shape[0], w = z.shape[1];
        Tensor perSample;
        double correct;
        if (kind != LossKind.BinaryCrossentropy)
        {
            perSample = z.logsumexp(1) - z.gather(1, labels.unsqueeze(1)).squeeze(1);
            correct = z.argmax(1).eq(labels).sum().item<long>();
        }
        else
        {
            var t = w == 1 ? labels.to_type(ScalarType.Float64).unsqueeze(1) : nn.functional.one_hot(labels, w).to_type(ScalarType.Float64);
            var elementwise = nn.functional.relu(z) - z * t + (-z.abs()).exp().log1p();
            perSample = elementwise.mean([1L]);
            correct = (z > 0).to_type(ScalarType.Float64).eq(t).to_type(ScalarType.Float64).mean([1L]).sum().item<double>();
        }
        var mean = perSample.mean();
        return (mean, perSample.sum().item<double>(), correct);
    }
}
