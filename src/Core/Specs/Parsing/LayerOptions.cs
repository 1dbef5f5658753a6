namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// The option keys every layer front end (YAML, hashtables, layer strings, Keras JSON) understands,
/// in Keras' snake_case spelling, and the Keras options we accept but ignore because they change
/// neither shapes nor parameter counts.
/// </summary>
internal static class LayerOptions
{
    public const string Type = "type";
    public const string Name = "name";
    public const string Inputs = "inputs";
    public const string Units = "units";
    public const string Filters = "filters";
    public const string KernelSize = "kernel_size";
    public const string Strides = "strides";
    public const string Padding = "padding";
    public const string Activation = "activation";
    public const string RecurrentActivation = "recurrent_activation";
    public const string UseBias = "use_bias";
    public const string PoolSize = "pool_size";
    public const string Rate = "rate";
    public const string DepthMultiplier = "depth_multiplier";
    public const string ReturnSequences = "return_sequences";
    public const string Epsilon = "epsilon";
    public const string Momentum = "momentum";
    public const string ResetAfter = "reset_after";
    public const string RecurrentBias = "recurrent_bias";
    public const string Axis = "axis";
    public const string NegativeSlope = "negative_slope";
    public const string KernelRegularizer = "kernel_regularizer";
    public const string BiasRegularizer = "bias_regularizer";
    public const string RecurrentRegularizer = "recurrent_regularizer";
    public const string DepthwiseRegularizer = "depthwise_regularizer";
    public const string PointwiseRegularizer = "pointwise_regularizer";
    public const string GammaRegularizer = "gamma_regularizer";
    public const string BetaRegularizer = "beta_regularizer";
    public const string EmbeddingsRegularizer = "embeddings_regularizer";
    public const string InputDim = "input_dim";
    public const string OutputDim = "output_dim";
    public const string ConstantId = "constant_id";
    public const string SequenceLength = "sequence_length";
    public const string NumHeads = "num_heads";
    public const string KeyDim = "key_dim";
    public const string ValueDim = "value_dim";
    public const string Dropout = "dropout";
    public const string UseCausalMask = "use_causal_mask";
    public const string TargetShape = "target_shape";
    public const string IntermediateDim = "intermediate_dim";
    public const string NormalizeFirst = "normalize_first";
    public const string LayerNormEpsilon = "layer_norm_epsilon";
    public const string Cropping = "cropping";
    public const string Dims = "dims";

    /// <summary>Every key a layer mapping may hold.</summary>
    public static readonly string[] All =
    [
        Type, Name, Inputs, Units, Filters, KernelSize, Strides, Padding, Activation, RecurrentActivation, UseBias,
        PoolSize, Rate, DepthMultiplier, ReturnSequences, Epsilon, Momentum, ResetAfter, RecurrentBias, Axis, Dims, NegativeSlope,
        KernelRegularizer, BiasRegularizer, RecurrentRegularizer, DepthwiseRegularizer, PointwiseRegularizer,
        GammaRegularizer, BetaRegularizer, EmbeddingsRegularizer,
        InputDim, OutputDim, ConstantId, SequenceLength, NumHeads, KeyDim, ValueDim, Dropout, UseCausalMask,
        TargetShape, IntermediateDim, NormalizeFirst, LayerNormEpsilon, Cropping,
    ];

    /// <summary>Each regularizer option and the weight (<see cref="Engine.WeightLayout"/> param) it applies to.</summary>
    public static readonly (string Option, string Param)[] Regularizers =
    [
        (KernelRegularizer, "kernel"), (BiasRegularizer, "bias"), (RecurrentRegularizer, "recurrent_kernel"),
        (DepthwiseRegularizer, "depthwise_kernel"), (PointwiseRegularizer, "pointwise_kernel"),
        (GammaRegularizer, "gamma"), (BetaRegularizer, "beta"), (EmbeddingsRegularizer, "embeddings"),
    ];

    public static bool IsRegularizer(string key) => Regularizers.Any(r => r.Option == key);

    /// <summary>
    /// The regularizer a layer spec sets for one of its weights, or null. The weight is named by its param,
    /// whose last part decides (MultiHeadAttention's query/kernel, key/kernel, ... all take kernel_regularizer,
    /// as in Keras); a regularizer the layer type does not take is never returned.
    /// </summary>
    public static Regularizer? RegularizerFor(LayerSpec l, string param)
    {
        var last = param[(param.LastIndexOf('/') + 1)..];
        var r = last switch
        {
            "kernel" => l.KernelRegularizer,
            "bias" => l.BiasRegularizer,
            "recurrent_kernel" => l.RecurrentRegularizer,
            "depthwise_kernel" => l.DepthwiseRegularizer,
            "pointwise_kernel" => l.PointwiseRegularizer,
            "gamma" => l.GammaRegularizer,
            "beta" => l.BetaRegularizer,
            "embeddings" => l.EmbeddingsRegularizer,
            _ => null,
        };
        if (r is null || !LayerTypes.TryCanonicalize(l.Type, out var type)) return null;
        var option = Regularizers.First(x => x.Param == last).Option;
        return AllowedFor(type).Contains(option) ? r : null;
    }

    /// <summary>The regularizer a layer spec holds for a regularizer option, or null.</summary>
    public static Regularizer? RegularizerOption(LayerSpec l, string option) => option switch
    {
        KernelRegularizer => l.KernelRegularizer,
        BiasRegularizer => l.BiasRegularizer,
        RecurrentRegularizer => l.RecurrentRegularizer,
        DepthwiseRegularizer => l.DepthwiseRegularizer,
        PointwiseRegularizer => l.PointwiseRegularizer,
        GammaRegularizer => l.GammaRegularizer,
        BetaRegularizer => l.BetaRegularizer,
        EmbeddingsRegularizer => l.EmbeddingsRegularizer,
        _ => null,
    };

    /// <summary>
    /// Keras options accepted in layer strings and hashtables and dropped: initializers and dtype change
    /// neither shapes, parameter counts nor what training computes (the engine initialises weights itself).
    /// </summary>
    public static readonly string[] Ignored =
    [
        "kernel_initializer", "bias_initializer", "depthwise_initializer", "pointwise_initializer",
        "recurrent_initializer", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
        "moving_variance_initializer", "dtype", "embeddings_initializer", "initializer",
    ];

    public static bool IsIgnored(string key) => Array.IndexOf(Ignored, key) >= 0;

    /// <summary>
    /// The options a layer type takes (besides type, name and inputs). Keras rejects keyword arguments a
    /// layer does not know, so do we: Dense(10, filters=3) is a mistake worth reporting.
    /// </summary>
    public static IReadOnlyList<string> AllowedFor(string canonicalType) => canonicalType switch
    {
        LayerTypes.Dense => [Units, Activation, UseBias, KernelRegularizer, BiasRegularizer],
        LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D => [Filters, KernelSize, Strides, Padding, Activation, UseBias, KernelRegularizer, BiasRegularizer],
        LayerTypes.SeparableConv2D => [Filters, KernelSize, Strides, Padding, DepthMultiplier, Activation, UseBias, DepthwiseRegularizer, PointwiseRegularizer, BiasRegularizer],
        LayerTypes.DepthwiseConv2D => [KernelSize, Strides, Padding, DepthMultiplier, Activation, UseBias, DepthwiseRegularizer, BiasRegularizer],
        LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D or LayerTypes.AveragePooling1D
            or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D => [PoolSize, Strides, Padding],
        LayerTypes.Dropout => [Rate],
        LayerTypes.Activation => [Activation, NegativeSlope],
        LayerTypes.BatchNormalization => [Epsilon, Momentum, Axis, GammaRegularizer, BetaRegularizer],
        LayerTypes.SimpleRNN => [Units, Activation, UseBias, ReturnSequences, RecurrentBias, KernelRegularizer, RecurrentRegularizer, BiasRegularizer],
        LayerTypes.LSTM => [Units, Activation, RecurrentActivation, UseBias, ReturnSequences, RecurrentBias, KernelRegularizer, RecurrentRegularizer, BiasRegularizer],
        LayerTypes.GRU => [Units, Activation, RecurrentActivation, UseBias, ReturnSequences, ResetAfter, KernelRegularizer, RecurrentRegularizer, BiasRegularizer],
        LayerTypes.Concatenate => [Axis],
        LayerTypes.Permute => [Dims],
        LayerTypes.ZeroPadding2D => [Padding],
        LayerTypes.Embedding => [InputDim, OutputDim, ConstantId, EmbeddingsRegularizer],
        LayerTypes.PositionEmbedding => [SequenceLength],
        LayerTypes.LayerNormalization => [Epsilon, GammaRegularizer, BetaRegularizer],
        LayerTypes.MultiHeadAttention => [NumHeads, KeyDim, ValueDim, Dropout, UseBias, UseCausalMask, KernelRegularizer, BiasRegularizer],
        LayerTypes.Reshape => [TargetShape],
        LayerTypes.Cropping1D => [Cropping],
        LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder => [IntermediateDim, NumHeads, Dropout, Activation, LayerNormEpsilon, NormalizeFirst],
        _ => [],
    };

    /// <summary>True when <paramref name="key"/> (snake_case) is valid for the type, including type/name/inputs.</summary>
    public static bool IsAllowed(string canonicalType, string key) =>
        key is Type or Name or Inputs || AllowedFor(canonicalType).Contains(key);

    /// <summary>Names the options a type takes, for error messages.</summary>
    public static string Describe(string canonicalType)
    {
        var a = AllowedFor(canonicalType);
        return a.Count == 0 ? $"{canonicalType} takes no options besides name and inputs." : $"{canonicalType} takes: {string.Join(", ", a)} (plus name, inputs).";
    }
}
