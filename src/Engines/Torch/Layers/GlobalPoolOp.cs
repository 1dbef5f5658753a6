using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras GlobalAverage/MaxPooling: the mean or maximum over every axis but batch and channels.</summary>
internal sealed class GlobalPoolOp(ResolvedLayer spec, TorchWeights weights, bool max) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        var axes = Enumerable.Range(1, (int)x.dim() - 2).Select(a => (long)a).ToArray();
        if (!max) return x.mean(axes);
        var y = x;
        for (int i = axes.Length - 1; i >= 0; i--) y = y.amax([axes[i]]);
        return y;
    }
}
