using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Keras default initialisers: Glorot uniform kernels (fans as Keras computes them from the
/// kernel shape, also for attention's (d, heads, key_dim) EinsumDense kernels), orthogonal recurrent kernels,
/// Embedding uniform ±0.05, KerasNLP PositionEmbedding Glorot uniform, LayerNorm γ 1 and β 0, zero biases except the LSTM forget gate
/// (unit_forget_bias=True → 1), BatchNormalization gamma 1, beta 0, moving mean 0, variance 1.
/// Each tensor draws from its own stream of the seed, so adding a layer does not shift the others.
/// </summary>
internal static class WeightInitializer
{
    public static void Initialize(Network net, int seed)
    {
        var slots = net.Slots;
        for (int si = 0; si < slots.Count; si++)
        {
            var s = slots[si];
            Fill(net.Model, s, si, seed, (s.Trainable ? net.Params : net.State).AsSpan(net.Offset(s.Name), checked((int)s.Elements)));
        }
    }

    /// <summary>
    /// The initial weights of <paramref name="model"/> without building a network: what <see cref="Initialize"/>
    /// writes, for engines that take their starting point from ours (the Torch engine), so a seed means the same
    /// weights on every engine.
    /// </summary>
    public static List<NamedTensor> InitialTensors(ResolvedModel model, int seed)
    {
        var slots = WeightLayout.For(model);
        var list = new List<NamedTensor>(slots.Count);
        for (int si = 0; si < slots.Count; si++)
        {
            var s = slots[si];
            var data = new float[checked((int)s.Elements)];
            Fill(model, s, si, seed, data);
            list.Add(new NamedTensor(s.Name, (int[])s.Shape.Clone(), data));
        }
        return list;
    }

    /// <summary>Slot <paramref name="si"/>'s initial values; each slot draws from its own stream of the seed.</summary>
    private static void Fill(ResolvedModel model, WeightLayout.Slot s, int si, int seed, Span<float> dst)
    {
        var layer = model.Find(s.Name[..s.Name.LastIndexOf('.')])!;
        var rng = DeterministicRandom.For(seed, 1, (ulong)si);
        // Sub-layer paths (self_attention/query/kernel) initialise like their last part.
        string leaf = s.Param[(s.Param.LastIndexOf('/') + 1)..];
        switch (leaf)
        {
            case "kernel" or "depthwise_kernel" or "pointwise_kernel":
                GlorotUniform(dst, s.Shape, rng);
                break;
            case "recurrent_kernel":
                Orthogonal(dst, s.Shape[0], s.Shape[1], rng);
                break;
            case "bias":
                dst.Clear();
                if (layer.Type == LayerTypes.LSTM) dst.Slice(layer.Units, layer.Units).Fill(1f);
                break;
            case "embeddings" when layer.Type == LayerTypes.Embedding:
                // Keras Embedding: RandomUniform(-0.05, 0.05).
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)((rng.NextDouble() * 2 - 1) * 0.05);
                break;
            case "embeddings":
                GlorotUniform(dst, s.Shape, rng); // KerasNLP PositionEmbedding: glorot_uniform
                break;
            case "gamma" or "moving_variance":
                dst.Fill(1f);
                break;
            default:
                dst.Clear();
                break;
        }
    }

    /// <summary>Keras fans: rank 2 → (rows, cols); higher rank → receptive field × the last two dims.</summary>
    public static (double FanIn, double FanOut) Fans(int[] shape)
    {
        if (shape.Length == 1) return (shape[0], shape[0]);
        if (shape.Length == 2) return (shape[0], shape[1]);
        double receptive = 1;
        for (int i = 0; i < shape.Length - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }

    public static void GlorotUniform(Span<float> dst, int[] shape, DeterministicRandom rng)
    {
        var (fanIn, fanOut) = Fans(shape);
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>
    /// Keras Orthogonal(gain 1) for a rows×cols matrix: QR of a normal matrix with the sign of
    /// R's diagonal folded into Q (Gram–Schmidt in double gives exactly that), transposed when rows &lt; cols.
    /// </summary>
    public static void Orthogonal(Span<float> dst, int rows, int cols, DeterministicRandom rng)
    {
        int big = Math.Max(rows, cols), small = Math.Min(rows, cols);
        // `small` orthonormal vectors of length `big`.
        var q = new double[small, big];
        for (int j = 0; j < small; j++)
        {
            for (int i = 0; i < big; i++) q[j, i] = rng.NextNormal();
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < big; i++) dot += q[j, i] * q[k, i];
                    for (int i = 0; i < big; i++) q[j, i] -= dot * q[k, i];
                }
            double norm = 0;
            for (int i = 0; i < big; i++) norm += q[j, i] * q[j, i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < big; i++) q[j, i] /= norm;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                dst[r * cols + c] = (float)(rows >= cols ? q[c, r] : q[r, c]);
    }
}
