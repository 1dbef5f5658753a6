using ModelCost.Core.Specs;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// KerasNLP TransformerEncoder / TransformerDecoder (decoder-only: causal self-attention). Post-LN (BERT):
/// x = LN(x + drop(attn(x))); x = LN(x + drop(ffn(x))). Pre-LN (GPT-2): x = x + drop(attn(LN(x))); x = x + drop(ffn(LN(x))).
/// Dropout salts as the managed block: attention probabilities +3, the two residual branches +1 and +2.
/// </summary>
internal sealed class TransformerBlockOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        ulong salt = 0xB10C0000 + (ulong)Spec.Index * 4;
        string p = Spec.Name + ".";
        Tensor Attention(Tensor h) => AttentionOp.Forward(Weights, p + "self_attention/", h, h, h, Spec.NumHeads, Spec.KeyDim, Spec.ValueDim,
            Spec.UseCausalMask, Spec.Dropout, step, salt + 3);
        Tensor FeedForward(Tensor h)
        {
            var hidden = TorchActivations.Apply(Spec.Activation, h.matmul(W("feedforward_intermediate_dense/kernel")) + W("feedforward_intermediate_dense/bias"));
            return hidden.matmul(W("feedforward_output_dense/kernel")) + W("feedforward_output_dense/bias");
        }
        Tensor Norm(Tensor h, string which) => AttentionOp.LayerNorm(h, W(which + "/gamma"), W(which + "/beta"), Spec.Epsilon);
        Tensor Drop(Tensor h, ulong branch) => TorchDropout.Apply(h, Spec.Dropout, step, salt + branch);
        if (Spec.NormalizeFirst)
        {
            var s1 = x + Drop(Attention(Norm(x, "self_attention_layer_norm")), 1);
            return s1 + Drop(FeedForward(Norm(s1, "feedforward_layer_norm")), 2);
        }
        var a = Norm(x + Drop(Attention(x), 1), "self_attention_layer_norm");
        return Norm(a + Drop(FeedForward(a), 2), "feedforward_layer_norm");
    }
}
