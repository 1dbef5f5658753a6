using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Our tensors are channels last (Keras); libtorch's convolutions and pools want channels first. A permuted view
/// of an NHWC tensor is libtorch's channels_last memory format, which its CPU kernels read without a copy.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>(n, spatial…, c) → (n, c, spatial…).</summary>
    public static Tensor ToFirst(Tensor x)
    {
        int r = (int)x.dim() - 2;
        var order = new long[r + 2];
        order[0] = 0; order[1] = r + 1;
        for (int i = 0; i < r; i++) order[i + 2] = i + 1;
        return x.permute(order);
    }

    /// <summary>(n, c, spatial…) → (n, spatial…, c).</summary>
    public static Tensor ToLast(Tensor x)
    {
        int r = (int)x.dim() - 2;
        var order = new long[r + 2];
        order[0] = 0;
        for (int i = 0; i < r; i++) order[i + 1] = i + 2;
        order[r + 1] = 1;
        return x.permute(order);
    }

    /// <summary>
    /// Pads the spatial axes of a channels-first tensor by (before, after) per axis: Keras' "same" padding puts
    /// the odd cell after, which libtorch's symmetric padding argument cannot say.
    /// </summary>
    public static Tensor Pad(Tensor x, int[] before, int[] after, double value = 0)
    {
        if (before.All(p => p == 0) && after.All(p => p == 0)) return x;
        var pad = new long[before.Length * 2];
        for (int i = 0; i < before.Length; i++)
        {
            int axis = before.Length - 1 - i; // libtorch lists the last axis first
            pad[2 * i] = before[axis];
            pad[2 * i + 1] = after[axis];
        }
        return TorchSharp.torch.nn.functional.pad(x, pad, TorchSharp.PaddingModes.Constant, value);
    }

    /// <summary>Keras' "same" padding per spatial axis: total = max((out − 1)·stride + window − in, 0), the odd cell after.</summary>
    public static (int[] Before, int[] After) SamePadding(int[] input, int[] output, int[] window, int[] strides)
    {
        int r = window.Length;
        var before = new int[r];
        var after = new int[r];
        for (int i = 0; i < r; i++)
        {
            int total = Math.Max((output[i] - 1) * strides[i] + window[i] - input[i], 0);
            before[i] = total / 2;
            after[i] = total - before[i];
        }
        return (before, after);
    }
}
