using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;
using ModelCostResult = ModelCost.Core.Costing.ModelCost;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Measures what a model costs under a named counting convention: parameters, size, MACs, inference and training FLOPs, training memory, estimated latency.</para>
/// <example><code>Import-ModelSpec ./cnn.yaml | Measure-ModelCost -Convention TfProfiler</code></example>
/// <example><code>$spec | Measure-ModelCost -PerLayer | Format-Table</code></example>
/// </summary>
/// <remarks>Counts are per sample; -BatchSize scales only the activation memory. With -PerLayer the
/// command writes one LayerCost row per layer instead of the model total.</remarks>
[Cmdlet(VerbsDiagnostic.Measure, "ModelCost", DefaultParameterSetName = TotalSet)]
[OutputType(typeof(ModelCostResult), ParameterSetName = new[] { TotalSet })]
[OutputType(typeof(LayerCost), ParameterSetName = new[] { PerLayerSet })]
public sealed class MeasureModelCostCommand : ModelCostCmdlet
{
    internal const string TotalSet = "Total";
    internal const string PerLayerSet = "PerLayer";

    private CostOptions? _options;

    /// <summary>The spec to cost: a spec object, a spec file (path or FileInfo), or YAML / Keras JSON text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>Counting convention: Flops (default), Macs, FlopsWithBias, TfProfiler, Course, or the path of a rules YAML file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConventionCompleter))]
    public string Convention { get; set; } = CostOptionsBuilder.DefaultConvention;

    /// <summary>Samples per training step; scales the activation memory (FLOPs stay per sample).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = 1;

    /// <summary>Numeric precision of weights, gradients, optimizer state and activations.</summary>
    [Parameter]
    [ValidateSet("Float32", "Float16", "BFloat16", "Int8", IgnoreCase = true)]
    public string Precision { get; set; } = "Float32";

    /// <summary>Optimizer whose state is counted in training memory (Adam/AdamW 2 slots, Momentum/RMSprop/Adagrad 1, SGD 0).</summary>
    [Parameter]
    [ValidateSet("Adam", "AdamW", "SGD", "Momentum", "RMSprop", "Adagrad", IgnoreCase = true)]
    public string Optimizer { get; set; } = "Adam";

    /// <summary>Device speed in FLOP/s for EstimatedLatencySeconds (= InferenceFlops / DeviceFlops).</summary>
    [Parameter]
    [ValidateRange(1e-300, double.MaxValue)]
    public double DeviceFlops { get; set; } = 1e9;

    /// <summary>Exact (forward + each layer's backward) or ThreeTimesForward (seed 000's rule).</summary>
    [Parameter]
    [ValidateSet("Exact", "ThreeTimesForward", IgnoreCase = true)]
    public string TrainingFlopsMethod { get; set; } = "Exact";

    /// <summary>Write one LayerCost row per layer (the per-layer FLOPs report) instead of the total.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PerLayerSet)]
    public SwitchParameter PerLayer { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            var convention = CostOptionsBuilder.ResolveConvention(this, Convention);
            _options = CostOptionsBuilder.Build(convention, BatchSize, Precision, Optimizer, DeviceFlops, TrainingFlopsMethod);
        }
        catch (ModelCostException ex)
        {
            // A bad -Convention concerns every input: nothing can be measured.
            ThrowCoreError(ex, Convention);
        }
    }

    protected override void ProcessRecord()
    {
        CostReport? report = null;
        if (!TryCore(() => report = CostCalculator.Measure(ModelSpecArgument.Get(this, InputObject), _options), InputObject) || report is null) return;
        if (PerLayer.IsPresent) WriteObject(report.Layers, enumerateCollection: true);
        else WriteObject(report.Total);
    }
}
