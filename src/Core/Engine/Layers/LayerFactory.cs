using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// Maps a resolved layer to its engine implementation. What the kernels cannot compute is decided once,
/// in <see cref="Limitation"/>: <see cref="ManagedEngine.Supports"/> reports it up front and
/// <see cref="Create"/> refuses it, naming the layer.
/// </summary>
internal static class LayerFactory
{
    /// <summary>Why the managed engine cannot run this layer, or null when it can.</summary>
    public static EngineLimitation? Limitation(ResolvedLayer l)
    {
        if (ActivationProblem(l, l.Activation, "activation") is { } activation) return activation;
        switch (l.Type)
        {
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                if (l.RecurrentBias && l.UseBias)
                    return Limit(l, "recurrent_bias", $"{l.Type} with recurrent_bias (a second bias vector, as PyTorch and ONNX keep) is costed but not implemented by the managed engine");
                if (l.Type == LayerTypes.GRU && !l.ResetAfter)
                    return Limit(l, "reset_after", "GRU with reset_after=False is not implemented by the managed engine; use the Keras 2/3 default reset_after=True");
                foreach (var (name, option) in new[] { (l.Activation, "activation"), (l.RecurrentActivation, "recurrent_activation") })
                {
                    if (ActivationProblem(l, name, option) is { } problem) return problem;
                    if (!RecurrentLayer.Supports(name))
                        return Limit(l, option, $"{option} '{name}' is not supported inside a recurrent cell by the managed engine");
                }
                return null;
            default:
                return Implemented.Contains(l.Type) ? null : Limit(l, "type", $"layer type {l.Type} is not implemented by the managed engine");
        }
    }

    /// <summary>The layer types <see cref="Create"/> builds (besides the recurrent ones, checked above); keep the two together.</summary>
    internal static readonly HashSet<string> Implemented =
    [
        LayerTypes.Dense, LayerTypes.Conv1D, LayerTypes.Conv2D, LayerTypes.Conv3D, LayerTypes.DepthwiseConv2D, LayerTypes.SeparableConv2D,
        LayerTypes.MaxPooling1D, LayerTypes.MaxPooling2D, LayerTypes.MaxPooling3D,
        LayerTypes.AveragePooling1D, LayerTypes.AveragePooling2D, LayerTypes.AveragePooling3D,
        LayerTypes.GlobalAveragePooling1D, LayerTypes.GlobalAveragePooling2D, LayerTypes.GlobalMaxPooling2D,
        LayerTypes.Flatten, LayerTypes.Dropout, LayerTypes.Activation, LayerTypes.BatchNormalization,
        LayerTypes.Add, LayerTypes.Concatenate, LayerTypes.ZeroPadding2D, LayerTypes.Reshape, LayerTypes.Cropping1D,
        LayerTypes.Embedding, LayerTypes.PositionEmbedding, LayerTypes.LayerNormalization, LayerTypes.MultiHeadAttention,
        LayerTypes.TransformerEncoder, LayerTypes.TransformerDecoder,
    ];

    public static Layer Create(Network net, ResolvedLayer l)
    {
        if (Limitation(l) is { } limit)
            throw new ModelCostException(ErrorIds.UnsupportedByEngine, ModelCostErrorCategory.NotImplemented, $"Layer {l.Index} '{l.Name}' ({l.Type}): {limit.Reason}.", l.Name)
            { LayerIndex = l.Index, LayerName = l.Name, Option = limit.Option };
        switch (l.Type)
        {
            case LayerTypes.Dense: return new DenseLayer(net, l);
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D: return new ConvLayer(net, l);
            case LayerTypes.DepthwiseConv2D: return new DepthwiseConvLayer(net, l);
            case LayerTypes.SeparableConv2D: return new SeparableConvLayer(net, l);
            case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D: return new PoolLayer(net, l, max: true, global: false);
            case LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D: return new PoolLayer(net, l, max: false, global: false);
            case LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D: return new PoolLayer(net, l, max: false, global: true);
            case LayerTypes.GlobalMaxPooling2D: return new PoolLayer(net, l, max: true, global: true);
            case LayerTypes.Flatten: return new CopyLayer(net, l);
            case LayerTypes.Dropout: return new DropoutLayer(net, l);
            case LayerTypes.Activation: return new ActivationLayer(net, l);
            case LayerTypes.BatchNormalization: return new BatchNormLayer(net, l);
            case LayerTypes.Add: return new AddLayer(net, l);
            case LayerTypes.Concatenate: return new ConcatenateLayer(net, l);
            case LayerTypes.ZeroPadding2D: return new ZeroPadding2DLayer(net, l);
            case LayerTypes.Reshape: return new CopyLayer(net, l);
            case LayerTypes.Cropping1D: return new Cropping1DLayer(net, l);
            case LayerTypes.Embedding: return new EmbeddingLayer(net, l);
            case LayerTypes.PositionEmbedding: return new PositionEmbeddingLayer(net, l);
            case LayerTypes.LayerNormalization: return new LayerNormLayer(net, l);
            case LayerTypes.MultiHeadAttention: return new MultiHeadAttentionLayer(net, l);
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder: return new TransformerBlockLayer(net, l);
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                return new RecurrentLayer(net, l);
            default:
                throw new InvalidOperationException($"Layer type {l.Type} passed Limitation but has no implementation.");
        }
    }

    private static EngineLimitation? ActivationProblem(ResolvedLayer l, string name, string option)
    {
        try
        {
            ActivationMath.Parse(name);
            return null;
        }
        catch (ArgumentException)
        {
            return Limit(l, option, $"{option} '{name}' is not supported by the managed engine");
        }
    }

    private static EngineLimitation Limit(ResolvedLayer l, string option, string reason) =>
        new() { LayerIndex = l.Index, LayerName = l.Name, LayerType = l.Type, Option = option, Reason = reason };
}
