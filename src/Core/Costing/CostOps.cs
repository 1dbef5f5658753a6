using ModelCost.Core.Specs;

namespace ModelCost.Core.Costing;

/// <summary>
/// The operation kinds a layer's cost is counted in. Each layer yields a count per kind (see
/// docs/conventions.md); a <see cref="CostConvention"/> is a weight per kind, so no formula is
/// written twice and a user convention file can re-weight any kind. Names are a public contract
/// (they are the keys of a convention YAML file).
/// </summary>
public static class CostOps
{
    /// <summary>Multiply-accumulates of a Dense layer on a flat input (one matrix product).</summary>
    public const string MatMulMac = "MatMulMac";
    /// <summary>Multiply-accumulates of a Dense layer applied over extra leading dims (a batched matrix product).</summary>
    public const string BatchMatMulMac = "BatchMatMulMac";
    /// <summary>Multiply-accumulates of Conv1D/2D/3D, DepthwiseConv2D and SeparableConv2D.</summary>
    public const string ConvMac = "ConvMac";
    /// <summary>Multiply-accumulates of SimpleRNN/LSTM/GRU gate products, every time step.</summary>
    public const string RecurrentMac = "RecurrentMac";
    /// <summary>One add per output element of a Dense/conv layer with a bias.</summary>
    public const string BiasAdd = "BiasAdd";
    /// <summary>Bias adds inside a recurrent cell, every time step.</summary>
    public const string RecurrentBiasAdd = "RecurrentBiasAdd";
    /// <summary>Gate arithmetic of a recurrent cell (LSTM cell update, GRU interpolation), every time step.</summary>
    public const string RecurrentElementwise = "RecurrentElementwise";
    /// <summary>Window elements read by 1-D/2-D max pooling: pool area × output elements.</summary>
    public const string MaxPoolWindow = "MaxPoolWindow";
    /// <summary>Window elements read by 1-D/2-D average pooling: pool area × output elements.</summary>
    public const string AvgPoolWindow = "AvgPoolWindow";
    /// <summary>Window elements read by 3-D max pooling.</summary>
    public const string MaxPool3DWindow = "MaxPool3DWindow";
    /// <summary>Window elements read by 3-D average pooling.</summary>
    public const string AvgPool3DWindow = "AvgPool3DWindow";
    /// <summary>Input elements reduced by global average pooling.</summary>
    public const string GlobalAvgPoolInput = "GlobalAvgPoolInput";
    /// <summary>Input elements reduced by global max pooling.</summary>
    public const string GlobalMaxPoolInput = "GlobalMaxPoolInput";
    /// <summary>Elements normalised by BatchNormalization (inference: one scale and one shift each).</summary>
    public const string BatchNormElement = "BatchNormElement";
    /// <summary>Channels of BatchNormalization (folding mean, variance, gamma, beta into a scale and shift).</summary>
    public const string BatchNormChannel = "BatchNormChannel";
    /// <summary>Adds of an Add layer: output elements × (inputs − 1).</summary>
    public const string AddElement = "AddElement";
    /// <summary>Elements copied by a Concatenate layer.</summary>
    public const string ConcatElement = "ConcatElement";

    /// <summary>Multiply-accumulates of attention scores Q·Kᵀ: heads × query length × key length × key_dim.</summary>
    public const string AttentionScoreMac = "AttentionScoreMac";
    /// <summary>Multiply-accumulates of the attention-weighted sum of values P·V: heads × query length × key length × value_dim.</summary>
    public const string AttentionValueMac = "AttentionValueMac";
    /// <summary>Query elements scaled by 1/√key_dim before the scores.</summary>
    public const string AttentionScale = "AttentionScale";
    /// <summary>Score elements a causal mask is added to (heads × L × L).</summary>
    public const string AttentionMask = "AttentionMask";
    /// <summary>Score elements turned into probabilities by the attention softmax (heads × query length × key length).</summary>
    public const string AttentionSoftmax = "AttentionSoftmax";
    /// <summary>Elements normalised by LayerNormalization (subtract the mean, scale, γ, β).</summary>
    public const string LayerNormElement = "LayerNormElement";
    /// <summary>Rows (positions) of LayerNormalization: one mean, variance and 1/√(var + ε) each.</summary>
    public const string LayerNormRow = "LayerNormRow";
    /// <summary>Elements copied out of an embedding table (Embedding, PositionEmbedding).</summary>
    public const string EmbeddingLookup = "EmbeddingLookup";

    /// <summary>Prefix of the per-activation kinds: <c>Activation.relu</c>, <c>Activation.softmax</c>, ...</summary>
    public const string ActivationPrefix = "Activation.";
    /// <summary>Prefix of activations applied inside recurrent cells: <c>RecurrentActivation.tanh</c>, ...</summary>
    public const string RecurrentActivationPrefix = "RecurrentActivation.";

    /// <summary>The kind for an activation applied to a layer's output, e.g. <c>Activation.relu</c>.</summary>
    public static string Activation(string activation) => ActivationPrefix + activation;

    /// <summary>The kind for an activation inside a recurrent cell, e.g. <c>RecurrentActivation.sigmoid</c>.</summary>
    public static string RecurrentActivation(string activation) => RecurrentActivationPrefix + activation;

    /// <summary>Every operation kind, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = BuildAll();

    /// <summary>The kinds whose count is a number of multiply-accumulates (InferenceMacs sums these).</summary>
    public static IReadOnlyList<string> MacKinds { get; } = [MatMulMac, BatchMatMulMac, ConvMac, RecurrentMac, AttentionScoreMac, AttentionValueMac];

    private static readonly Dictionary<string, int> IndexOf = All.Select((k, i) => (k, i))
        .ToDictionary(t => t.k, t => t.i, StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds a kind by name (any case); false if it is not one of <see cref="All"/>.</summary>
    public static bool TryCanonicalize(string? name, out string canonical)
    {
        canonical = "";
        if (name is null || !IndexOf.TryGetValue(name.Trim(), out var i)) return false;
        canonical = All[i];
        return true;
    }

    internal static int Index(string kind) => IndexOf[kind];

    internal static int Count => All.Count;

    private static string[] BuildAll()
    {
        var fixedKinds = new[]
        {
            MatMulMac, BatchMatMulMac, ConvMac, RecurrentMac, BiasAdd, RecurrentBiasAdd, RecurrentElementwise,
            MaxPoolWindow, AvgPoolWindow, MaxPool3DWindow, AvgPool3DWindow, GlobalAvgPoolInput, GlobalMaxPoolInput,
            BatchNormElement, BatchNormChannel, AddElement, ConcatElement,
            AttentionScoreMac, AttentionValueMac, AttentionScale, AttentionMask, AttentionSoftmax,
            LayerNormElement, LayerNormRow, EmbeddingLookup,
        };
        var acts = Activations.All.Where(a => a != Activations.Linear).ToArray();
        return [.. fixedKinds, .. acts.Select(Activation), .. acts.Select(RecurrentActivation)];
    }
}
