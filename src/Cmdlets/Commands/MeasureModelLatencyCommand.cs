using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Measures inference latency on this machine (median, p90, throughput) next to the cost model's estimate at the machine's measured FLOP/s.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Measure-ModelLatency -BatchSize 1 -Iterations 1000</code></example>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Measure-ModelLatency -BatchSize 1000 -Iterations 20 -ThrottleLimit 2</code></example>
/// </summary>
/// <remarks>
/// Takes a ModelSpec (Keras-initialised weights: timing does not depend on the values), a TrainingResult
/// or a TrainedModel, or a path to a spec file or a .safetensors file. Times are per batch; the
/// estimate is InferenceFlops ÷ the FLOP/s of a 512³ SGEMM measured on the same threads just before.
/// Runs on a worker thread; Ctrl+C stops it.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Measure, "ModelLatency")]
[OutputType(typeof(LatencyMeasurement))]
public sealed class MeasureModelLatencyCommand : ModelCostCmdlet
{
    private const int ActivityId = 4;

    /// <summary>A ModelSpec, TrainingResult or TrainedModel, the path of a spec file or .safetensors model, or spec text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>Samples per timed forward pass (default 1).</summary>
    [Parameter]
    public int BatchSize { get; set; } = 1;

    /// <summary>Timed forward passes (default 1000).</summary>
    [Parameter]
    public int Iterations { get; set; } = 1000;

    /// <summary>Untimed forward passes first (default 100).</summary>
    [Parameter]
    public int Warmup { get; set; } = 100;

    /// <summary>Threads for inference and for the FLOP/s measurement (default 1; 0 = all cores).</summary>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Counting convention of the estimate's FLOPs (default Flops), or the path of a rules YAML file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConventionCompleter))]
    public string Convention { get; set; } = CostOptionsBuilder.DefaultConvention;

    protected override void ProcessRecord()
    {
        var input = InputObject is PSObject pso ? pso.BaseObject : InputObject;
        using var pump = new PipelinePump();
        LatencyMeasurement? result = null;
        if (TryCore(() =>
            {
                var convention = CostOptionsBuilder.ResolveConvention(this, Convention);
                var target = Resolve(input);
                var name = target is ModelSpec s ? s.Name : ((TrainedModel)target).Spec.Name;
                int batch = BatchSize, iterations = Iterations, warmup = Warmup, threads = ThrottleLimit;
                var activity = $"Measuring the latency of {name}";
                result = pump.Run(this, CancellationToken, ct =>
                {
                    pump.PostProgress(new ProgressRecord(ActivityId, activity, $"{iterations} runs of batch {batch} after {warmup} warm-up runs on {threads} thread(s)"), important: true);
                    return target is ModelSpec spec
                        ? LatencyMeter.Measure(spec, batch, iterations, warmup, threads, ct, convention)
                        : LatencyMeter.Measure((TrainedModel)target, batch, iterations, warmup, threads, ct, convention);
                }, new ProgressRecord(ActivityId, activity, "Done"));
            }, input) && result is not null)
            WriteObject(result);
    }

    /// <summary>A spec (timed with initialised weights) or trained weights.</summary>
    private object Resolve(object? input) => input switch
    {
        ModelSpec spec => spec,
        TrainingResult or TrainedModel => TrainedModelArgument.Get(input),
        FileInfo file => Load(file.FullName),
        string text when ModelSpecArgument.LooksLikeSpecText(text) => ModelSpecReader.Parse(text, null),
        string path when !string.IsNullOrWhiteSpace(path) => Load(PathResolver.ResolveInputPath(this, path)),
        _ => throw new ModelCostException(ErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
            $"Measure-ModelLatency takes a ModelSpec, a TrainingResult, a TrainedModel or a file path, not a {input?.GetType().FullName ?? "null"}.", input),
    };

    private object Load(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? TrainedModelFile.Load(path, CancellationToken)
            : ModelSpecReader.Load(path);
}
