using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras Max/AveragePooling 1D/2D/3D. "same" pads explicitly (odd cell after): with −∞ for max, and for average
/// the padded cells are left out of the mean (TensorFlow divides by the valid count), which libtorch's
/// count_include_pad cannot say for asymmetric padding, so the mean is the zero-padded average divided by the
/// average of a padded mask of ones.
/// </summary>
internal sealed class PoolOp(ResolvedLayer spec, TorchWeights weights, bool max) : TorchLayer(spec, weights)
{
    private Tensor? _validFraction;

    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        int r = Spec.PoolSize.Length;
        var window = Spec.PoolSize.Select(k => (long)k).ToArray();
        var strides = Spec.Strides.Select(s => (long)s).ToArray();
        var (before, after) = Spec.PadBefore.Length == r
            ? (Spec.PadBefore, Spec.PadAfter)
            : ChannelsLast.SamePadding(Spec.InputShape[..r], Spec.OutputShape[..r], Spec.PoolSize, Spec.Strides);
        bool padded = before.Any(p => p > 0) || after.Any(p => p > 0);
        var x = ChannelsLast.Pad(ChannelsLast.ToFirst(inputs[0]), before, after, max ? double.NegativeInfinity : 0);
        Tensor y = Pool(x, r, window, strides);
        if (!max && padded)
        {
            if (_validFraction is null)
            {
                using var _ = no_grad();
                var ones = torch.ones([1, 1, .. Spec.InputShape[..r].Select(d => (long)d)]);
                _validFraction = Pool(ChannelsLast.Pad(ones, before, after), r, window, strides).detach().DetachFromDisposeScope();
            }
            y = y / _validFraction;
        }
        return ChannelsLast.ToLast(y);
    }

    private Tensor Pool(Tensor x, int r, long[] window, long[] strides) => (max, r) switch
    {
        (true, 1) => F.max_pool1d(x, window[0], strides[0]),
        (true, 2) => F.max_pool2d(x, window, strides),
        (true, _) => F.max_pool3d(x, window, strides),
        (false, 1) => F.avg_pool1d(x, window[0], strides[0]),
        (false, 2) => F.avg_pool2d(x, window, strides),
        (false, _) => F.avg_pool3d(x, window, strides),
    };
}
