namespace ModelCost.Core.Specs;

/// <summary>
/// The layer types the module knows, their Keras aliases and the prefixes Keras uses for
/// automatic names (Conv2D → conv2d, MaxPooling2D → max_pooling2d).
/// </summary>
public static class LayerTypes
{
    public const string Dense = "Dense";
    public const string Conv1D = "Conv1D";
    public const string Conv2D = "Conv2D";
    public const string Conv3D = "Conv3D";
    public const string SeparableConv2D = "SeparableConv2D";
    public const string DepthwiseConv2D = "DepthwiseConv2D";
    public const string MaxPooling1D = "MaxPooling1D";
    public const string MaxPooling2D = "MaxPooling2D";
    public const string MaxPooling3D = "MaxPooling3D";
    public const string AveragePooling1D = "AveragePooling1D";
    public const string AveragePooling2D = "AveragePooling2D";
    public const string AveragePooling3D = "AveragePooling3D";
    public const string GlobalAveragePooling1D = "GlobalAveragePooling1D";
    public const string GlobalAveragePooling2D = "GlobalAveragePooling2D";
    public const string GlobalMaxPooling2D = "GlobalMaxPooling2D";
    public const string Flatten = "Flatten";
    public const string Dropout = "Dropout";
    public const string BatchNormalization = "BatchNormalization";
    public const string Activation = "Activation";
    public const string SimpleRNN = "SimpleRNN";
    public const string LSTM = "LSTM";
    public const string GRU = "GRU";
    public const string Add = "Add";
    public const string Concatenate = "Concatenate";
    public const string ZeroPadding2D = "ZeroPadding2D";
    public const string Embedding = "Embedding";
    public const string PositionEmbedding = "PositionEmbedding";
    public const string LayerNormalization = "LayerNormalization";
    public const string MultiHeadAttention = "MultiHeadAttention";
    public const string Reshape = "Reshape";
    public const string Cropping1D = "Cropping1D";
    public const string TransformerEncoder = "TransformerEncoder";
    public const string TransformerDecoder = "TransformerDecoder";
    /// <summary>Keras Permute: reorders the axes after the batch (dims 1-based).</summary>
    public const string Permute = "Permute";
    /// <summary>ModelCost extension: the matrix product of two computed tensors (numpy/ONNX MatMul), e.g. attention's Q·Kᵀ.</summary>
    public const string MatMul = "MatMul";

    private static readonly (string Canonical, string Prefix, string[] Aliases)[] Table =
    [
        (Dense, "dense", []),
        (Conv1D, "conv1d", ["Convolution1D"]),
        (Conv2D, "conv2d", ["Convolution2D"]),
        (Conv3D, "conv3d", ["Convolution3D"]),
        (SeparableConv2D, "separable_conv2d", ["SeparableConvolution2D"]),
        (DepthwiseConv2D, "depthwise_conv2d", []),
        (MaxPooling1D, "max_pooling1d", ["MaxPool1D"]),
        (MaxPooling2D, "max_pooling2d", ["MaxPool2D"]),
        (MaxPooling3D, "max_pooling3d", ["MaxPool3D"]),
        (AveragePooling1D, "average_pooling1d", ["AvgPool1D"]),
        (AveragePooling2D, "average_pooling2d", ["AvgPool2D"]),
        (AveragePooling3D, "average_pooling3d", ["AvgPool3D"]),
        (GlobalAveragePooling1D, "global_average_pooling1d", ["GlobalAvgPool1D"]),
        (GlobalAveragePooling2D, "global_average_pooling2d", ["GlobalAvgPool2D"]),
        (GlobalMaxPooling2D, "global_max_pooling2d", ["GlobalMaxPool2D"]),
        (Flatten, "flatten", []),
        (Dropout, "dropout", []),
        (BatchNormalization, "batch_normalization", []),
        (Activation, "activation", []),
        (SimpleRNN, "simple_rnn", []),
        (LSTM, "lstm", []),
        (GRU, "gru", []),
        (Add, "add", []),
        (Concatenate, "concatenate", []),
        (ZeroPadding2D, "zero_padding2d", []),
        (Embedding, "embedding", []),
        (PositionEmbedding, "position_embedding", []),
        (LayerNormalization, "layer_normalization", []),
        (MultiHeadAttention, "multi_head_attention", []),
        (Reshape, "reshape", []),
        (Cropping1D, "cropping1d", []),
        (TransformerEncoder, "transformer_encoder", []),
        (TransformerDecoder, "transformer_decoder", []),
        (Permute, "permute", []),
        (MatMul, "mat_mul", []),
    ];

    private static readonly Dictionary<string, string> Lookup = BuildLookup();

    /// <summary>Every canonical type name.</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Canonical).ToArray();

    /// <summary>Maps a user's spelling (any case, Keras aliases) to the canonical type; false if unknown.</summary>
    public static bool TryCanonicalize(string? name, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(name)) return false;
        if (Lookup.TryGetValue(name.Trim(), out var c)) { canonical = c; return true; }
        return false;
    }

    /// <summary>The options a canonical type takes, as error messages and tab completion show them.</summary>
    public static string Describe(string canonicalType) => Parsing.LayerOptions.Describe(canonicalType);

    /// <summary>The Keras automatic-name prefix for a canonical type.</summary>
    public static string NamePrefix(string canonicalType)
    {
        foreach (var t in Table)
            if (t.Canonical == canonicalType) return t.Prefix;
        return canonicalType.ToLowerInvariant();
    }

    private static Dictionary<string, string> BuildLookup()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (canonical, prefix, aliases) in Table)
        {
            d[canonical] = canonical;
            d[prefix] = canonical;
            foreach (var a in aliases) d[a] = canonical;
        }
        return d;
    }
}
