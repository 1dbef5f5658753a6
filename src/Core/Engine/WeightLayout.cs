using ModelCost.Core.Specs;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Engine;

/// <summary>
/// The weights a resolved layer owns, with Keras names and shapes (Dense kernel is (in, units),
/// Conv2D kernel (kh, kw, cin, filters), LSTM gates in Keras order i, f, c, o; GRU z, r, h).
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
}
