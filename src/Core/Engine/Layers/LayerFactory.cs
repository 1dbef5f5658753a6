using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>Maps a resolved layer to its engine implementation; what the engine cannot compute fails here, naming the layer.</summary>
internal static class LayerFactory
{
    public static Layer Create(Network net, ResolvedLayer l)
    {
        CheckActivation(l, l.Activation, "activation");
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
                if (l.Type == LayerTypes.GRU && !l.ResetAfter)
                    throw Unsupported(l, "reset_after", "GRU with reset_after=False is not implemented by the training engine; use the Keras 2/3 default reset_after=True.");
                foreach (var (name, option) in new[] { (l.Activation, "activation"), (l.RecurrentActivation, "recurrent_activation") })
                {
                    CheckActivation(l, name, option);
                    if (!RecurrentLayer.Supports(name))
                        throw Unsupported(l, option, $"{option} '{name}' is not supported inside a recurrent cell by the training engine.");
                }
                return new RecurrentLayer(net, l);
            default:
                throw Unsupported(l, "type", $"layer type {l.Type} is not implemented by the training engine.");
        }
    }

    private static void CheckActivation(ResolvedLayer l, string name, string option)
    {
        try { ActivationMath.Parse(name); }
        catch (ArgumentException)
        {
            throw Unsupported(l, option, $"{option} '{name}' is not supported by the training engine.");
        }
    }

    private static ModelCostException Unsupported(ResolvedLayer l, string option, string message) =>
        new(ErrorIds.UnsupportedByEngine, ModelCostErrorCategory.NotImplemented, $"Layer {l.Index} '{l.Name}' ({l.Type}): {message}", l.Name)
        { LayerIndex = l.Index, LayerName = l.Name, Option = option };
}
