using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>KerasNLP PositionEmbedding (rows 0…L − 1 of its table for every sample) and Keras LayerNormalization (last axis).</summary>
internal sealed class SequenceOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        if (Spec.Type == LayerTypes.LayerNormalization) return AttentionOp.LayerNorm(x, W("gamma"), W("beta"), Spec.Epsilon);
        long length = x.shape[1];
        return W("embeddings").narrow(0, 0, length).unsqueeze(0).expand(x.shape[0], length, -1);
    }
}
