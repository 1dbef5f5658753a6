using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras ZeroPadding2D ((top, bottom), (left, right)) and Cropping1D (steps cut from the start and end).</summary>
internal sealed class CropPadOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        if (Spec.Type == LayerTypes.Cropping1D)
            return x.narrow(1, Spec.CropStart, x.shape[1] - Spec.CropStart - Spec.CropEnd);
        return ChannelsLast.ToLast(ChannelsLast.Pad(ChannelsLast.ToFirst(x), Spec.PadBefore, Spec.PadAfter));
    }
}
