using ModelCost.Core.Specs;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras Conv1D/2D/3D: kernel (k…, cin, filters) permuted to libtorch's (filters, cin, k…) per call (so the
/// trained tensor stays in the Keras layout), "same" padding applied explicitly (asymmetric like Keras).
/// </summary>
internal sealed class ConvOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override string OutputActivation => Spec.Activation;

    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        int r = Spec.KernelSize.Length;
        var kernel = W("kernel");
        var order = new long[r + 2];
        order[0] = r + 1; order[1] = r;
        for (int i = 0; i < r; i++) order[i + 2] = i;
        var w = kernel.permute(order);
        var x = ChannelsLast.Pad(ChannelsLast.ToFirst(inputs[0]), Spec.PadBefore, Spec.PadAfter);
        var strides = Spec.Strides.Select(s => (long)s).ToArray();
        var b = OptionalW("bias");
        var y = r switch
        {
            1 => F.conv1d(x, w, b, strides[0]),
            2 => F.conv2d(x, w, b, strides),
            _ => F.conv3d(x, w, b, strides),
        };
        return ChannelsLast.ToLast(y);
    }

    /// <summary>Keras depthwise kernel (kh, kw, cin, multiplier) as libtorch's grouped weight (cin·multiplier, 1, kh, kw): output channel c·m + j, as Keras.</summary>
    public static Tensor DepthwiseWeight(Tensor kernel)
    {
        long kh = kernel.shape[0], kw = kernel.shape[1], c = kernel.shape[2], m = kernel.shape[3];
        return kernel.reshape(kh, kw, c * m).permute(2, 0, 1).unsqueeze(1);
    }
}
