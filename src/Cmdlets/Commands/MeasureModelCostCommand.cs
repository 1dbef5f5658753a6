using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Measures what a model costs under a named counting convention: parameters, size, MACs, inference and training FLOPs, training memory, estimated latency.</para>
/// <example><code>Import-ModelSpec ./cnn.yaml | Measure-ModelCost -Convention TfProfiler</code></example>
/// <example><code>$spec | Measure-ModelCost -PerLayer | Format-Table</code></example>
/// </summary>
/// <remarks>Counts are per sample; -BatchSize scales only the activation memory. With -PerLayer the
/// command writes one LayerCost row per layer instead of the model total.</remarks>
[Cmdlet(VerbsDiagnostic.Measure, "ModelCost", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(CostSummary), typeof(LayerCost))]
public sealed class MeasureModelCostCommand : CostCommand
{
    /// <summary>Device speed in FLOP/s for EstimatedLatencySeconds (= InferenceFlops / DeviceFlops).</summary>
    [Parameter]
    [ValidateRange(1e-300, double.MaxValue)]
    public double DeviceFlops { get; set; } = 1e9;

    /// <summary>Exact (forward + each layer's backward) or ThreeTimesForward (seed 000's rule).</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<TrainingFlopsMethod>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<TrainingFlopsMethod>>))]
    public string TrainingFlopsMethod { get; set; } = "Exact";

    /// <summary>Write one LayerCost row per layer (the per-layer FLOPs report) instead of the total.</summary>
    [Parameter]
    public SwitchParameter PerLayer { get; set; }

    private protected override double DeviceFlopsValue => DeviceFlops;

    private protected override string TrainingFlopsMethodValue => TrainingFlopsMethod;

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var report = Measure(model);
        if (PerLayer.IsPresent) WriteObject(report.Layers, enumerateCollection: true);
        else WriteObject(report.Total);
    }
}
