using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras Add (element-wise sum) and Concatenate (on the spec's axis, batch not counted).</summary>
internal sealed class MergeOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        if (Spec.Type == LayerTypes.Concatenate) return torch.cat(inputs, Spec.Axis + 1);
        var sum = inputs[0];
        for (int i = 1; i < inputs.Length; i++) sum = sum + inputs[i];
        return sum;
    }
}
