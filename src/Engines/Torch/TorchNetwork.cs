using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Specs;
using ModelCost.Engines.Torch.Layers;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>
/// A resolved spec as libtorch operations: one <see cref="TorchLayer"/> per spec layer wired by the spec's inputs,
/// over <see cref="TorchWeights"/> in the shared layout. <see cref="Forward"/> returns the last layer's logits
/// when the loss fuses its activation (as the managed engine does), otherwise its output.
/// </summary>
internal sealed class TorchNetwork : IDisposable
{
    private readonly TorchLayer[] _layers;

    public TorchNetwork(ResolvedModel model, IReadOnlyList<NamedTensor> weights)
    {
        Model = model;
        Weights = new TorchWeights(model, weights);
        _layers = model.Layers.Select(l => Create(l, Weights)).ToArray();
    }

    public ResolvedModel Model { get; }

    public TorchWeights Weights { get; }

    /// <summary>Runs the model on a batch shaped (n, sample shape…); <paramref name="logits"/> leaves the last layer's activation off.</summary>
    public Tensor Forward(Tensor input, TorchStep step, bool logits)
    {
        var x = input.reshape([input.shape[0], .. Model.InputShape.Select(d => (long)d)]);
        var outputs = new Tensor[_layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            var inputs = layer.Spec.InputIndices.Select(j => j < 0 ? x : outputs[j]).ToArray();
            var y = layer.Forward(inputs, step);
            outputs[i] = logits && i == _layers.Length - 1 ? y : TorchActivations.Apply(layer.OutputActivation, y);
        }
        return outputs[^1];
    }

    /// <summary>Why the Torch engine cannot run this layer, or null when it can.</summary>
    public static EngineLimitation? Limitation(ResolvedLayer l)
    {
        foreach (var (name, option) in new[] { (l.Activation, "activation"), (l.RecurrentActivation, "recurrent_activation") })
            if (!TorchActivations.Known.Contains(name))
                return Limit(l, option, $"{option} '{name}' is not supported by the Torch engine");
        // The spec language costs a second recurrent bias (PyTorch/ONNX keep one) but the shared weight layout has no
        // tensor for it, so no engine can train or load it.
        if (l.RecurrentBias && l.UseBias && l.Type is LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU)
            return Limit(l, "recurrent_bias", $"{l.Type} with recurrent_bias (a second bias vector, as PyTorch and ONNX keep) is costed but has no weights in the shared layout, so the Torch engine cannot run it");
        return Implemented.Contains(l.Type) ? null : Limit(l, "type", $"layer type {l.Type} is not implemented by the Torch engine");
    }

    /// <summary>The layer types <see cref="Create"/> builds; keep the two together.</summary>
    internal static readonly HashSet<string> Implemented =
    [
        LayerTypes.Dense, LayerTypes.Conv1D, LayerTypes.Conv2D, LayerTypes.Conv3D, LayerTypes.DepthwiseConv2D, LayerTypes.SeparableConv2D,
        LayerTypes.MaxPooling1D, LayerTypes.MaxPooling2D, LayerTypes.MaxPooling3D,
        LayerTypes.AveragePooling1D, LayerTypes.AveragePooling2D, LayerTypes.AveragePooling3D,
        LayerTypes.GlobalAveragePooling1D, LayerTypes.GlobalAveragePooling2D, LayerTypes.GlobalMaxPooling2D,
        LayerTypes.Flatten, LayerTypes.Reshape, LayerTypes.Dropout, LayerTypes.BatchNormalization, LayerTypes.Activation,
        LayerTypes.SimpleRNN, LayerTypes.LSTM, LayerTypes.GRU, LayerTypes.Add, LayerTypes.Concatenate,
        LayerTypes.ZeroPadding2D, LayerTypes.Cropping1D, LayerTypes.Embedding, LayerTypes.PositionEmbedding, LayerTypes.LayerNormalization,
        LayerTypes.MultiHeadAttention, LayerTypes.TransformerEncoder, LayerTypes.TransformerDecoder, LayerTypes.Permute, LayerTypes.MatMul,
    ];

    private static TorchLayer Create(ResolvedLayer l, TorchWeights w) => l.Type switch
    {
        LayerTypes.Dense => new DenseOp(l, w),
        LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D => new ConvOp(l, w),
        LayerTypes.DepthwiseConv2D => new DepthwiseConvOp(l, w, separable: false),
        LayerTypes.SeparableConv2D => new DepthwiseConvOp(l, w, separable: true),
        LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D => new PoolOp(l, w, max: true),
        LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D => new PoolOp(l, w, max: false),
        LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D => new GlobalPoolOp(l, w, max: false),
        LayerTypes.GlobalMaxPooling2D => new GlobalPoolOp(l, w, max: true),
        LayerTypes.Flatten or LayerTypes.Reshape => new ReshapeOp(l, w),
        LayerTypes.Dropout => new DropoutOp(l, w),
        LayerTypes.BatchNormalization => new BatchNormOp(l, w),
        LayerTypes.Activation => new ActivationOp(l, w),
        LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU => new RecurrentOp(l, w),
        LayerTypes.Add or LayerTypes.Concatenate => new MergeOp(l, w),
        LayerTypes.ZeroPadding2D or LayerTypes.Cropping1D => new CropPadOp(l, w),
        LayerTypes.Embedding => new EmbeddingOp(l, w),
        LayerTypes.PositionEmbedding or LayerTypes.LayerNormalization => new SequenceOp(l, w),
        LayerTypes.MultiHeadAttention => new MultiHeadAttentionOp(l, w),
        LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder => new TransformerBlockOp(l, w),
        LayerTypes.Permute or LayerTypes.MatMul => new PermuteMatMulOp(l, w),
        _ => throw new InvalidOperationException($"Layer type {l.Type} passed Limitation but has no implementation."),
    };

    private static EngineLimitation Limit(ResolvedLayer l, string option, string reason) =>
        new() { LayerIndex = l.Index, LayerName = l.Name, LayerType = l.Type, Option = option, Reason = reason };

    public void Dispose() => Weights.Dispose();
}
