using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras MultiHeadAttention on its EinsumDense weights (query/key/value kernels (d, heads, head width), output
/// (heads, value_dim, d)): Q = (x_q·W_q + b_q)/√key_dim, S = Q·Kᵀ per head, causal rows see keys 0…r,
/// P = softmax(S) with dropout on P (the managed engine's mask for the same salt), context = P·V, then the
/// output projection. Shared by the MultiHeadAttention layer and the KerasNLP blocks' self-attention.
/// </summary>
internal static class AttentionOp
{
    public static Tensor Forward(TorchWeights w, string prefix, Tensor query, Tensor value, Tensor key,
        int heads, int keyDim, int valueDim, bool causal, double dropout, TorchStep step, ulong salt)
    {
        long n = query.shape[0], lq = query.shape[1], lk = key.shape[1];
        Tensor Project(Tensor x, string name, int width)
        {
            var kernel = w[prefix + name + "/kernel"];
            var y = x.matmul(kernel.reshape(kernel.shape[0], heads * width)).reshape(n, x.shape[1], heads, width);
            return w.TryGet(prefix + name + "/bias") is { } b ? y + b : y;
        }
        var q = Project(query, "query", keyDim) * (1.0 / Math.Sqrt(keyDim));
        var k = Project(key, "key", keyDim);
        var v = Project(value, "value", valueDim);
        var scores = q.permute(0, 2, 1, 3).matmul(k.permute(0, 2, 3, 1)); // (n, heads, Lq, Lk)
        if (causal)
        {
            using var future = torch.ones(lq, lk, dtype: ScalarType.Bool).triu(1);
            scores = scores.masked_fill(future, float.NegativeInfinity);
        }
        var p = TorchDropout.Apply(scores.softmax(-1), dropout, step, salt);
        var context = p.matmul(v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3).reshape(n, lq, heads * valueDim);
        var output = w[prefix + "attention_output/kernel"];
        var y = context.matmul(output.reshape(heads * valueDim, output.shape[2]));
        return w.TryGet(prefix + "attention_output/bias") is { } ob ? y + ob : y;
    }

    /// <summary>Keras LayerNormalization over the last axis: (x − mean)/√(var + ε)·γ + β with the biased variance.</summary>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, double epsilon)
    {
        var mean = x.mean([-1L], keepdim: true);
        var centred = x - mean;
        var variance = (centred * centred).mean([-1L], keepdim: true);
        return centred * (variance + epsilon).rsqrt() * gamma + beta;
    }
}
