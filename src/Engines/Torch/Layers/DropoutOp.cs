using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Inverted dropout with the managed engine's masks: element i of the batch is kept when a hash of (seed, step,
/// layer, i) clears the rate, so both engines drop the same elements in the same step and their training runs
/// can be compared step by step.
/// </summary>
internal sealed class DropoutOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        if (!step.Training || Spec.Rate <= 0) return x;
        long count = x.numel();
        var mask = new float[count];
        float scale = (float)(1.0 / (1.0 - Spec.Rate));
        ulong key = DeterministicRandom.Mix((ulong)(uint)step.Seed, (ulong)step.Step, 0xD50F + (ulong)Spec.Index);
        double threshold = Spec.Rate * (1UL << 53);
        for (long i = 0; i < count; i++)
            mask[i] = DeterministicRandom.Mix(key, (ulong)i, 0) >> 11 >= threshold ? scale : 0f;
        return x * torch.tensor(mask, x.shape);
    }
}
