using ModelCost.Core.Specs;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>Keras DepthwiseConv2D and SeparableConv2D (depthwise, then a 1×1 pointwise conv; bias after the pointwise).</summary>
internal sealed class DepthwiseConvOp(ResolvedLayer spec, TorchWeights weights, bool separable) : TorchLayer(spec, weights)
{
    public override string OutputActivation => Spec.Activation;

    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = ChannelsLast.Pad(ChannelsLast.ToFirst(inputs[0]), Spec.PadBefore, Spec.PadAfter);
        long cin = Spec.InputShape[^1];
        var strides = Spec.Strides.Select(s => (long)s).ToArray();
        var bias = OptionalW("bias");
        var y = F.conv2d(x, ConvOp.DepthwiseWeight(W("depthwise_kernel")), separable ? null : bias, strides, groups: cin);
        if (separable)
            y = F.conv2d(y, W("pointwise_kernel").permute(3, 2, 0, 1), bias);
        return ChannelsLast.ToLast(y);
    }
}
