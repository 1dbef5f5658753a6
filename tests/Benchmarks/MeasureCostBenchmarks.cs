using BenchmarkDotNet.Attributes;
using ModelCost.Core.Costing;
using ModelCost.Core.Specs;

namespace ModelCost.Benchmarks;

/// <summary>
/// Measure-ModelCost's core on ResNet-50 (examples/specs/resnet50.yaml, 224×224×3). Issue 3 asks for
/// under 50 ms once the module is loaded; the YAML is parsed once in setup (that is Import-ModelSpec's cost).
/// Baseline: shape inference alone, so the ratio column shows what costing adds on top of resolving.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*MeasureCostBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class MeasureCostBenchmarks
{
    private ModelSpec _spec = null!;
    private ResolvedModel _resolved = null!;
    private readonly CostOptions _tf = new() { Convention = CostConvention.TfProfiler, BatchSize = 32 };

    [GlobalSetup]
    public void Setup()
    {
        _spec = ModelSpecYaml.Load(FindSpec("resnet50.yaml"));
        _resolved = ShapeInference.Resolve(_spec);
    }

    [Benchmark(Baseline = true, Description = "ShapeInference.Resolve (ResNet-50)")]
    public ResolvedModel Resolve() => ShapeInference.Resolve(_spec);

    [Benchmark(Description = "Measure(spec), Flops (ResNet-50)")]
    public CostReport MeasureSpec() => CostCalculator.Measure(_spec);

    [Benchmark(Description = "Measure(resolved), TfProfiler, batch 32 (ResNet-50)")]
    public CostReport MeasureResolved() => CostCalculator.Measure(_resolved, _tf);

    /// <summary>BenchmarkDotNet runs from a generated folder below bin/; walk up to the repository's examples/specs.</summary>
    private static string FindSpec(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "specs", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"examples/specs/{file} not found above {AppContext.BaseDirectory}.");
    }
}
