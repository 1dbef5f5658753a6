using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Engine;

/// <summary>
/// The weights a resolved layer owns, with Keras names and shapes (Dense kernel is (in, units),
/// Conv2D kernel (kh, kw, cin, filters), LSTM gates in Keras order i, f, c, o; GRU z, r, h; MultiHeadAttention
/// query/kernel (d, heads, key_dim) ... attention_output/kernel (heads, value_dim, d); KerasNLP blocks
/// self_attention/..., self_attention_layer_norm/..., feedforward_intermediate_dense/..., feedforward_output_dense/...,
/// feedforward_layer_norm/...). A param path uses '/' between sub-layers, so a slot name is <c>layer.param/path</c>.
/// The engine allocates exactly these, safetensors files store them as <c>layer.param</c>, and
/// an imported file is checked against them.
/// </summary>
public static class WeightLayout
{
    /// <summary>One weight tensor of a layer; <c>Regularizer</c> is the Keras penalty training adds for it (null = none).</summary>
    public readonly record struct Slot(string Name, string Param, int[] Shape, bool Trainable, Regularizer? Regularizer = null)
    {
        public long Elements => ShapeInference.Elements(Shape);
    }

    /// <summary>All weights of all layers, in layer order.</summary>
    public static IReadOnlyList<Slot> For(ResolvedModel model) => model.Layers.SelectMany(For).ToArray();

    /// <summary>The weights of one layer (none for pooling, Flatten, Dropout, ...).</summary>
    public static IReadOnlyList<Slot> For(ResolvedLayer l)
    {
        var s = new List<Slot>();
        void Add(string param, int[] shape, bool trainable = true) =>
            s.Add(new Slot(l.Name + "." + param, param, shape, trainable, trainable ? LayerOptions.RegularizerFor(l.Spec, param) : null));
        int cin = l.InputShape[^1];
        switch (l.Type)
        {
            case LayerTypes.Dense:
                Add("kernel", [cin, l.Units]);
                if (l.UseBias) Add("bias", [l.Units]);
                break;
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D:
                Add("kernel", [.. l.KernelSize, cin, l.Filters]);
                if (l.UseBias) Add("bias", [l.Filters]);
                break;
            case LayerTypes.DepthwiseConv2D:
                Add("depthwise_kernel", [.. l.KernelSize, cin, l.DepthMultiplier]);
                if (l.UseBias) Add("bias", [cin * l.DepthMultiplier]);
                break;
            case LayerTypes.SeparableConv2D:
                Add("depthwise_kernel", [.. l.KernelSize, cin, l.DepthMultiplier]);
                Add("pointwise_kernel", [1, 1, cin * l.DepthMultiplier, l.Filters]);
                if (l.UseBias) Add("bias", [l.Filters]);
                break;
            case LayerTypes.BatchNormalization:
                Add("gamma", [cin]);
                Add("beta", [cin]);
                Add("moving_mean", [cin], trainable: false);
                Add("moving_variance", [cin], trainable: false);
                break;
            case LayerTypes.Embedding:
                Add("embeddings", [l.InputDim, l.OutputDim]);
                break;
            case LayerTypes.PositionEmbedding:
                Add("embeddings", [l.SequenceLength, cin]);
                break;
            case LayerTypes.LayerNormalization:
                Add("gamma", [cin]);
                Add("beta", [cin]);
                break;
            case LayerTypes.MultiHeadAttention:
            {
                int[] q = l.InputShapes[0], v = l.InputShapes.Length > 1 ? l.InputShapes[1] : q, k = l.InputShapes.Length > 2 ? l.InputShapes[2] : v;
                AttentionSlots(Add, "", q[1], k[1], v[1], l.NumHeads, l.KeyDim, l.ValueDim, l.UseBias);
                break;
            }
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
                AttentionSlots(Add, "self_attention/", cin, cin, cin, l.NumHeads, l.KeyDim, l.ValueDim, bias: true);
                Add("self_attention_layer_norm/gamma", [cin]);
                Add("self_attention_layer_norm/beta", [cin]);
                Add("feedforward_intermediate_dense/kernel", [cin, l.IntermediateDim]);
                Add("feedforward_intermediate_dense/bias", [l.IntermediateDim]);
                Add("feedforward_output_dense/kernel", [l.IntermediateDim, cin]);
                Add("feedforward_output_dense/bias", [cin]);
                Add("feedforward_layer_norm/gamma", [cin]);
                Add("feedforward_layer_norm/beta", [cin]);
                break;
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
            {
                int g = l.Type switch { LayerTypes.LSTM => 4, LayerTypes.GRU => 3, _ => 1 };
                Add("kernel", [cin, g * l.Units]);
                Add("recurrent_kernel", [l.Units, g * l.Units]);
                if (l.UseBias)
                {
                    if (l.Type == LayerTypes.GRU && l.ResetAfter) Add("bias", [2, g * l.Units]);
                    else Add("bias", [g * l.Units]);
                }
                break;
            }
        }
        return s;
    }

    /// <summary>Keras MultiHeadAttention's EinsumDense weights: (d, heads, head width) kernels, (heads, head width) biases, output (heads, value_dim, d).</summary>
    private static void AttentionSlots(Action<string, int[], bool> add, string prefix, int queryDim, int keyDim, int valueDim,
        int heads, int headKey, int headValue, bool bias)
    {
        add(prefix + "query/kernel", [queryDim, heads, headKey], true);
        if (bias) add(prefix + "query/bias", [heads, headKey], true);
        add(prefix + "key/kernel", [keyDim, heads, headKey], true);
        if (bias) add(prefix + "key/bias", [heads, headKey], true);
        add(prefix + "value/kernel", [valueDim, heads, headValue], true);
        if (bias) add(prefix + "value/bias", [heads, headValue], true);
        add(prefix + "attention_output/kernel", [heads, headValue, queryDim], true);
        if (bias) add(prefix + "attention_output/bias", [queryDim], true);
    }
}
