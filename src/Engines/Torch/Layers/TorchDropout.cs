using ModelCost.Core.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// The managed engine's counter-based dropout masks as libtorch tensors: element i (row-major over the tensor,
/// batch first) is kept when a hash of (seed, step, salt, i) clears the rate, and kept elements are scaled by
/// 1/(1 − rate). Same salts as the managed layers, so both engines drop the same elements in the same step.
/// </summary>
internal static class TorchDropout
{
    public static Tensor Apply(Tensor x, double rate, TorchStep step, ulong salt)
    {
        if (!step.Training || rate <= 0) return x;
        long count = x.numel();
        var mask = new float[count];
        float scale = (float)(1.0 / (1.0 - rate));
        ulong key = DeterministicRandom.Mix((ulong)(uint)step.Seed, (ulong)step.Step, salt);
        double threshold = rate * (1UL << 53);
        for (long i = 0; i < count; i++)
            mask[i] = DeterministicRandom.Mix(key, (ulong)i, 0) >> 11 >= threshold ? scale : 0f;
        return x * torch.tensor(mask, x.shape);
    }
}
