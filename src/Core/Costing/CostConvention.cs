using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Costing;

/// <summary>
/// A FLOP-counting convention: a name and one weight (FLOPs per operation) for each kind in
/// <see cref="CostOps"/>. A layer's FLOPs are Σ count(kind) × weight(kind); kinds a convention
/// does not list weigh 0. The five built-ins reproduce the tools people already trust
/// (docs/conventions.md gives every rule); <see cref="Load"/> reads a user's YAML file.
/// </summary>
public sealed class CostConvention
{
    private readonly long[] _weights;

    private CostConvention(string name, string description, long[] weights, string? sourcePath)
    {
        Name = name;
        Description = description;
        _weights = weights;
        SourcePath = sourcePath;
        Weights = CostOps.All.Select((k, i) => (k, w: weights[i])).Where(t => t.w != 0)
            .ToDictionary(t => t.k, t => t.w, StringComparer.Ordinal);
    }

    /// <summary>The name shown on every figure (e.g. <c>Flops</c>, or a user file's <c>name</c>).</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>The file a user convention was read from; null for built-ins.</summary>
    public string? SourcePath { get; }

    /// <summary>The non-zero weights, by operation kind.</summary>
    public IReadOnlyDictionary<string, long> Weights { get; }

    public bool IsBuiltIn => SourcePath is null && BuiltIns.Any(b => ReferenceEquals(b, this));

    /// <summary>FLOPs this convention charges for one operation of <paramref name="kind"/> (0 if unlisted).</summary>
    public long WeightOf(string kind) =>
        CostOps.TryCanonicalize(kind, out var k) ? _weights[CostOps.Index(k)] : 0;

    internal long WeightAt(int kindIndex) => _weights[kindIndex];

    public override string ToString() => Name;

    // ---- Built-ins: one rule table each -------------------------------------------------------

    /// <summary>Multiply-accumulates of conv, dense and recurrent products only (fvcore, thop, ptflops "FLOPs").</summary>
    public static CostConvention Macs { get; } = Table("Macs",
        "Multiply-accumulates of matmul, conv, recurrent and attention (Q·Kᵀ, P·V) products only; everything else 0 (fvcore, thop, ptflops).",
        (CostOps.MatMulMac, 1), (CostOps.BatchMatMulMac, 1), (CostOps.ConvMac, 1), (CostOps.RecurrentMac, 1),
        (CostOps.AttentionScoreMac, 1), (CostOps.AttentionValueMac, 1));

    /// <summary>2 FLOPs per MAC of conv/dense/recurrent products; bias, activations, pooling 0 (PyTorch profiler, seed 004).</summary>
    public static CostConvention Flops { get; } = Table("Flops",
        "2 FLOPs per multiply-accumulate of matmul, conv, recurrent and attention products; bias, activations, pooling, normalisation, softmax 0 (PyTorch profiler, FlopCounterMode).",
        (CostOps.MatMulMac, 2), (CostOps.BatchMatMulMac, 2), (CostOps.ConvMac, 2), (CostOps.RecurrentMac, 2),
        (CostOps.AttentionScoreMac, 2), (CostOps.AttentionValueMac, 2));

    /// <summary><see cref="Flops"/> plus one add per output element of every layer with a bias (seed 000's estimator).</summary>
    public static CostConvention FlopsWithBias { get; } = Table("FlopsWithBias",
        "Flops plus one add per biased output element: Dense 2·in·out + out, Conv 2·MACs + outputs (seed 000).",
        (CostOps.MatMulMac, 2), (CostOps.BatchMatMulMac, 2), (CostOps.ConvMac, 2), (CostOps.RecurrentMac, 2),
        (CostOps.AttentionScoreMac, 2), (CostOps.AttentionValueMac, 2), (CostOps.BiasAdd, 1), (CostOps.RecurrentBiasAdd, 1));

    /// <summary>TensorFlow profiler's <c>float_operation</c> count of a Keras 3 model's inference graph (seeds 001, 003).</summary>
    public static CostConvention TfProfiler { get; } = Table("TfProfiler",
        "TensorFlow profiler float_operation on the Keras 3 (TF backend) inference graph: MatMul/Conv 2 per MAC, bias 1, " +
        "MaxPool/AvgPool 1-D/2-D window × outputs, Softmax 5, ReLU/Sigmoid/Tanh 0, 3-D pooling 0, recurrent layers 0 (while-loop body not walked).",
        (CostOps.MatMulMac, 2), (CostOps.ConvMac, 2), (CostOps.BiasAdd, 1),
        (CostOps.MaxPoolWindow, 1), (CostOps.AvgPoolWindow, 1), (CostOps.GlobalAvgPoolInput, 1),
        (CostOps.BatchNormElement, 2), (CostOps.BatchNormChannel, 6), (CostOps.AddElement, 1),
        (CostOps.Activation(Activations.Softmax), 5), (CostOps.Activation(Activations.Gelu), 4),
        (CostOps.Activation(Activations.Swish), 2), (CostOps.Activation(Activations.Silu), 2),
        (CostOps.Activation(Activations.HardSigmoid), 2),
        // Keras 3 attention: query scaling (Mul), mask add (AddV2), Softmax 5; the einsums are not registered (0).
        (CostOps.AttentionScale, 1), (CostOps.AttentionMask, 1), (CostOps.AttentionSoftmax, 5),
        // Keras 3 LayerNormalization with tf.nn.moments (see docs/conventions.md): 9 per element, 4 per row.
        (CostOps.LayerNormElement, 9), (CostOps.LayerNormRow, 4));

    /// <summary>Seed 003's course rules: FC 2·in·out + out, ReLU/Sigmoid/Tanh 1, Softmax 6 per element (conv like FC, pooling window reads).</summary>
    public static CostConvention Course { get; } = Table("Course",
        "Seed 003's course rules: FC 2·in·out + out; ReLU, Sigmoid, Tanh 1 and Softmax 6 per element; conv like FC (2·MACs + outputs); " +
        "pooling one per window element read; recurrent cells 2·MACs + bias + 1 per activation and gate operation.",
        [
            (CostOps.MatMulMac, 2), (CostOps.BatchMatMulMac, 2), (CostOps.ConvMac, 2), (CostOps.RecurrentMac, 2),
            (CostOps.AttentionScoreMac, 2), (CostOps.AttentionValueMac, 2), (CostOps.AttentionSoftmax, 6),
            (CostOps.BiasAdd, 1), (CostOps.RecurrentBiasAdd, 1), (CostOps.RecurrentElementwise, 1),
            (CostOps.MaxPoolWindow, 1), (CostOps.AvgPoolWindow, 1), (CostOps.MaxPool3DWindow, 1), (CostOps.AvgPool3DWindow, 1),
            (CostOps.GlobalAvgPoolInput, 1), (CostOps.GlobalMaxPoolInput, 1),
            // Every activation other than softmax costs 1 per element (the course lists ReLU, Sigmoid, Tanh at 1).
            .. Activations.All.Where(a => a is not (Activations.Linear or Activations.Softmax))
                .SelectMany(a => new[] { (CostOps.Activation(a), 1L), (CostOps.RecurrentActivation(a), 1L) }),
            (CostOps.Activation(Activations.Softmax), 6), (CostOps.RecurrentActivation(Activations.Softmax), 6),
        ]);

    private static readonly CostConvention[] BuiltIns = [Macs, Flops, FlopsWithBias, TfProfiler, Course];

    /// <summary>The built-in convention names: Macs, Flops, FlopsWithBias, TfProfiler, Course.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = BuiltIns.Select(b => b.Name).ToArray();

    /// <summary>The default convention (<see cref="Flops"/>).</summary>
    public static CostConvention Default => Flops;

    /// <summary>A built-in by name (any case); false if there is none.</summary>
    public static bool TryGetBuiltIn(string? name, out CostConvention convention)
    {
        convention = Default;
        var found = BuiltIns.FirstOrDefault(b => string.Equals(b.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is null) return false;
        convention = found;
        return true;
    }

    /// <summary>
    /// What <c>-Convention</c> accepts: a built-in name (any case), else the path of a YAML convention file.
    /// Anything else fails with <see cref="ErrorIds.UnknownConvention"/> listing the built-ins.
    /// </summary>
    public static CostConvention Resolve(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw Unknown(nameOrPath ?? "", "an empty name");
        if (TryGetBuiltIn(nameOrPath, out var builtIn)) return builtIn;
        if (File.Exists(nameOrPath)) return Load(nameOrPath);
        throw Unknown(nameOrPath, Directory.Exists(nameOrPath) ? "a folder, not a convention file" : "neither a built-in convention nor an existing file");
    }

    /// <summary>Reads a user convention from a YAML file (see docs/conventions.md for the format).</summary>
    public static CostConvention Load(string path) => CostConventionYaml.Load(path);

    /// <summary>Parses a user convention from YAML text; <paramref name="sourceName"/> names it in errors.</summary>
    public static CostConvention Parse(string yaml, string sourceName = "<text>") => CostConventionYaml.Parse(yaml, sourceName);

    /// <summary>
    /// A convention from weights by kind (names as in <see cref="CostOps.All"/>, any case), optionally starting
    /// from <paramref name="basedOn"/>'s weights. Unknown kinds or negative weights fail with InvalidConvention.
    /// </summary>
    public static CostConvention Create(string name, IReadOnlyDictionary<string, long> weights, CostConvention? basedOn = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (string.IsNullOrWhiteSpace(name))
            throw new ModelCostException(ErrorIds.InvalidConvention, ModelCostErrorCategory.InvalidArgument, "A convention needs a non-empty name.");
        var w = basedOn is null ? new long[CostOps.Count] : (long[])basedOn._weights.Clone();
        foreach (var (kind, weight) in weights)
        {
            if (!CostOps.TryCanonicalize(kind, out var k))
                throw new ModelCostException(ErrorIds.InvalidConvention, ModelCostErrorCategory.InvalidArgument,
                    $"Convention '{name}': unknown operation kind '{kind}'. Known kinds: {string.Join(", ", CostOps.All)}.", kind);
            if (weight < 0)
                throw new ModelCostException(ErrorIds.InvalidConvention, ModelCostErrorCategory.InvalidArgument,
                    $"Convention '{name}': the cost of '{k}' is {weight.ToString(CultureInfo.InvariantCulture)}; costs must be whole numbers ≥ 0.", kind);
            w[CostOps.Index(k)] = weight;
        }
        return new CostConvention(name.Trim(), description ?? $"User convention '{name.Trim()}'.", w, null);
    }

    internal static CostConvention FromFile(string name, string description, long[] weights, string path) =>
        new(name, description, weights, path);

    internal long[] CopyWeights() => (long[])_weights.Clone();

    private static CostConvention Table(string name, string description, params (string Kind, long Weight)[] rules)
    {
        var w = new long[CostOps.Count];
        foreach (var (kind, weight) in rules) w[CostOps.Index(kind)] = weight;
        return new CostConvention(name, description, w, null);
    }

    private static ModelCostException Unknown(string value, string what) =>
        new(ErrorIds.UnknownConvention, ModelCostErrorCategory.ObjectNotFound,
            $"Convention '{value}' is {what}. Built-in conventions: {string.Join(", ", BuiltInNames)}; " +
            "or give the path of a YAML convention file.", value) { Option = "Convention" };
}
