namespace ModelCost.Core.Specs;

/// <summary>
/// One layer as the user wrote it, options named as in Keras. An option left null takes the
/// Keras default when the model is resolved (see <see cref="ShapeInference"/>), so a spec that
/// round-trips through YAML keeps exactly what the user said.
/// </summary>
public sealed class LayerSpec : IEquatable<LayerSpec>
{
    /// <summary>Canonical layer type, e.g. <c>Conv2D</c> (see <see cref="LayerTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>User-given name; null means a Keras-style automatic name (dense, dense_1, ...).</summary>
    public string? Name { get; init; }

    /// <summary>Names of the layers feeding this one (<c>input</c> is the model input); null means the previous layer.</summary>
    public string[]? Inputs { get => _inputs; init => _inputs = value; }

    private string[]? _inputs;

    /// <summary>This layer with other <see cref="Inputs"/> (every other option kept).</summary>
    public LayerSpec WithInputs(string[]? inputs)
    {
        var copy = (LayerSpec)MemberwiseClone();
        copy._inputs = inputs;
        return copy;
    }

    public int? Units { get; init; }
    public int? Filters { get; init; }
    public int[]? KernelSize { get; init; }
    public int[]? Strides { get; init; }
    /// <summary><c>valid</c> or <c>same</c>.</summary>
    public string? Padding { get; init; }
    public string? Activation { get; init; }
    public string? RecurrentActivation { get; init; }
    public bool? UseBias { get; init; }
    public int[]? PoolSize { get; init; }
    public double? Rate { get; init; }
    public int? DepthMultiplier { get; init; }
    public bool? ReturnSequences { get; init; }
    public double? Epsilon { get; init; }
    public double? Momentum { get; init; }
    /// <summary>GRU only: Keras 2.x/3.x default true (two bias vectors).</summary>
    public bool? ResetAfter { get; init; }
    /// <summary>
    /// LSTM and SimpleRNN (ModelCost extension): a second bias vector on the recurrent product, as PyTorch, ONNX and
    /// cuDNN keep (b_ih and b_hh); Keras has one. Default false. GRU's equivalent is reset_after.
    /// </summary>
    public bool? RecurrentBias { get; init; }
    /// <summary>Concatenate axis (Keras default -1).</summary>
    public int? Axis { get; init; }
    /// <summary>Permute: the new order of the axes after the batch, 1-based as in Keras (e.g. (2, 1)).</summary>
    public int[]? Dims { get; init; }
    /// <summary>ZeroPadding2D amounts as (top, bottom, left, right).</summary>
    public int[]? ZeroPadding { get; init; }
    /// <summary>Slope for x &lt; 0 of a leaky_relu Activation layer (Keras' LeakyReLU layer: 0.3; the leaky_relu activation: 0.2).</summary>
    public double? NegativeSlope { get; init; }

    // Weight regularizers (Keras kernel_regularizer=l2(0.001), ...): added to the training loss.
    public Regularizer? KernelRegularizer { get; init; }
    public Regularizer? BiasRegularizer { get; init; }
    public Regularizer? RecurrentRegularizer { get; init; }
    public Regularizer? DepthwiseRegularizer { get; init; }
    public Regularizer? PointwiseRegularizer { get; init; }
    public Regularizer? GammaRegularizer { get; init; }
    public Regularizer? BetaRegularizer { get; init; }
    public Regularizer? EmbeddingsRegularizer { get; init; }

    /// <summary>True when any weight of the layer carries a regularizer.</summary>
    public bool HasRegularizer => KernelRegularizer is not null || BiasRegularizer is not null || RecurrentRegularizer is not null
        || DepthwiseRegularizer is not null || PointwiseRegularizer is not null || GammaRegularizer is not null || BetaRegularizer is not null || EmbeddingsRegularizer is not null;

    /// <summary>Embedding: vocabulary size (rows of the table).</summary>
    public int? InputDim { get; init; }
    /// <summary>Embedding: width of each embedding vector.</summary>
    public int? OutputDim { get; init; }
    /// <summary>
    /// Embedding (ModelCost extension): look up this row for every position instead of reading the input's ids,
    /// e.g. BERT's token-type table with all-zero segment ids (HF's default when token_type_ids is not given).
    /// </summary>
    public int? ConstantId { get; init; }
    /// <summary>PositionEmbedding: the longest sequence it has positions for.</summary>
    public int? SequenceLength { get; init; }
    /// <summary>MultiHeadAttention, TransformerEncoder/Decoder: number of attention heads.</summary>
    public int? NumHeads { get; init; }
    /// <summary>MultiHeadAttention: width of each head's query and key.</summary>
    public int? KeyDim { get; init; }
    /// <summary>MultiHeadAttention: width of each head's value (Keras default: key_dim).</summary>
    public int? ValueDim { get; init; }
    /// <summary>MultiHeadAttention (attention probabilities) and TransformerEncoder/Decoder: dropout rate.</summary>
    public double? Dropout { get; init; }
    /// <summary>MultiHeadAttention: mask future positions (Keras passes it at call time; a spec fixes it on the layer).</summary>
    public bool? UseCausalMask { get; init; }
    /// <summary>Reshape: the output shape without batch; one entry may be -1.</summary>
    public int[]? TargetShape { get; init; }
    /// <summary>TransformerEncoder/Decoder: width of the feed-forward hidden layer.</summary>
    public int? IntermediateDim { get; init; }
    /// <summary>TransformerEncoder/Decoder: LayerNorm before each sub-block (pre-LN, GPT-2) instead of after (post-LN, BERT).</summary>
    public bool? NormalizeFirst { get; init; }
    /// <summary>TransformerEncoder/Decoder: epsilon of their LayerNormalizations (KerasNLP default 1e-5).</summary>
    public double? LayerNormEpsilon { get; init; }
    /// <summary>Cropping1D: positions removed at the start and at the end.</summary>
    public int[]? Cropping { get; init; }

    public bool Equals(LayerSpec? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        return Type == other.Type && Name == other.Name && SeqEq(Inputs, other.Inputs)
            && Units == other.Units && Filters == other.Filters && SeqEq(KernelSize, other.KernelSize)
            && SeqEq(Strides, other.Strides) && Padding == other.Padding && Activation == other.Activation
            && RecurrentActivation == other.RecurrentActivation && UseBias == other.UseBias
            && SeqEq(PoolSize, other.PoolSize) && Rate == other.Rate && DepthMultiplier == other.DepthMultiplier
            && ReturnSequences == other.ReturnSequences && Epsilon == other.Epsilon && Momentum == other.Momentum
            && ResetAfter == other.ResetAfter && Axis == other.Axis && SeqEq(ZeroPadding, other.ZeroPadding)
            && NegativeSlope == other.NegativeSlope
            && Equals(KernelRegularizer, other.KernelRegularizer) && Equals(BiasRegularizer, other.BiasRegularizer)
            && Equals(RecurrentRegularizer, other.RecurrentRegularizer) && Equals(DepthwiseRegularizer, other.DepthwiseRegularizer)
            && Equals(PointwiseRegularizer, other.PointwiseRegularizer) && Equals(GammaRegularizer, other.GammaRegularizer)
            && Equals(BetaRegularizer, other.BetaRegularizer) && Equals(EmbeddingsRegularizer, other.EmbeddingsRegularizer)
            && InputDim == other.InputDim && OutputDim == other.OutputDim && ConstantId == other.ConstantId
            && SequenceLength == other.SequenceLength && NumHeads == other.NumHeads && KeyDim == other.KeyDim
            && ValueDim == other.ValueDim && Dropout == other.Dropout && UseCausalMask == other.UseCausalMask
            && SeqEq(TargetShape, other.TargetShape) && IntermediateDim == other.IntermediateDim
            && NormalizeFirst == other.NormalizeFirst && LayerNormEpsilon == other.LayerNormEpsilon && SeqEq(Cropping, other.Cropping)
            && RecurrentBias == other.RecurrentBias && SeqEq(Dims, other.Dims);
    }

    public override bool Equals(object? obj) => obj is LayerSpec other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Type, Name, Units, Filters, Padding, Activation);

    public override string ToString() => Name is null ? Type : $"{Name} ({Type})";

    private static bool SeqEq<T>(T[]? a, T[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
