namespace ModelCost.Core.Specs.Parsing;

/// <summary>A mutable layer being read by one of the front ends; <see cref="Build"/> freezes it.</summary>
internal sealed class LayerSpecBuilder
{
    public string Type = "";
    public string? Name;
    public string[]? Inputs;
    public int? Units, Filters, DepthMultiplier, Axis;
    public int[]? KernelSize, Strides, PoolSize, ZeroPadding, Dims;
    public string? Padding, Activation, RecurrentActivation;
    public bool? UseBias, ReturnSequences, ResetAfter, RecurrentBias;
    public double? Rate, Epsilon, Momentum, NegativeSlope;
    public Regularizer? KernelRegularizer, BiasRegularizer, RecurrentRegularizer, DepthwiseRegularizer, PointwiseRegularizer,
        GammaRegularizer, BetaRegularizer, EmbeddingsRegularizer;
    public int? InputDim, OutputDim, ConstantId, SequenceLength, NumHeads, KeyDim, ValueDim, IntermediateDim;
    public double? Dropout, LayerNormEpsilon;
    public bool? UseCausalMask, NormalizeFirst;
    public int[]? TargetShape, Cropping;

    public LayerSpec Build() => new()
    {
        Type = Type, Name = Name, Inputs = Inputs, Units = Units, Filters = Filters, KernelSize = KernelSize,
        Strides = Strides, Padding = Padding, Activation = Activation, RecurrentActivation = RecurrentActivation,
        UseBias = UseBias, PoolSize = PoolSize, Rate = Rate, DepthMultiplier = DepthMultiplier,
        ReturnSequences = ReturnSequences, Epsilon = Epsilon, Momentum = Momentum, ResetAfter = ResetAfter,
        RecurrentBias = RecurrentBias, Axis = Axis, ZeroPadding = ZeroPadding, Dims = Dims, NegativeSlope = NegativeSlope,
        KernelRegularizer = KernelRegularizer, BiasRegularizer = BiasRegularizer, RecurrentRegularizer = RecurrentRegularizer,
        DepthwiseRegularizer = DepthwiseRegularizer, PointwiseRegularizer = PointwiseRegularizer,
        GammaRegularizer = GammaRegularizer, BetaRegularizer = BetaRegularizer, EmbeddingsRegularizer = EmbeddingsRegularizer,
        InputDim = InputDim, OutputDim = OutputDim, ConstantId = ConstantId, SequenceLength = SequenceLength,
        NumHeads = NumHeads, KeyDim = KeyDim, ValueDim = ValueDim, Dropout = Dropout, UseCausalMask = UseCausalMask,
        TargetShape = TargetShape, IntermediateDim = IntermediateDim, NormalizeFirst = NormalizeFirst,
        LayerNormEpsilon = LayerNormEpsilon, Cropping = Cropping,
    };

    /// <summary>Sets the regularizer named by its Keras option (kernel_regularizer, bias_regularizer, ...).</summary>
    public void SetRegularizer(string option, Regularizer? r)
    {
        switch (option)
        {
            case LayerOptions.KernelRegularizer: KernelRegularizer = r; break;
            case LayerOptions.BiasRegularizer: BiasRegularizer = r; break;
            case LayerOptions.RecurrentRegularizer: RecurrentRegularizer = r; break;
            case LayerOptions.DepthwiseRegularizer: DepthwiseRegularizer = r; break;
            case LayerOptions.PointwiseRegularizer: PointwiseRegularizer = r; break;
            case LayerOptions.GammaRegularizer: GammaRegularizer = r; break;
            case LayerOptions.BetaRegularizer: BetaRegularizer = r; break;
            case LayerOptions.EmbeddingsRegularizer: EmbeddingsRegularizer = r; break;
            default: throw new ArgumentOutOfRangeException(nameof(option), option, "not a regularizer option");
        }
    }

    /// <summary>Lower-cases known activation and padding spellings so every front end yields equal specs.</summary>
    public static string? NormalizeActivation(string? a) =>
        a is null ? null : Activations.TryNormalize(a, out var n) ? n : a;

    public static string? NormalizePadding(string? p)
    {
        if (p is null) return null;
        var l = p.Trim().ToLowerInvariant();
        return l is "valid" or "same" ? l : p;
    }
}
