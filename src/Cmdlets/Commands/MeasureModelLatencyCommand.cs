using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Latency;
using ModelCost.PS.Completers;
using ModelCost.PS.Engines;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Measures inference latency on this machine (median, p90, throughput) next to the cost model's estimate at the machine's measured FLOP/s.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Measure-ModelLatency -BatchSize 1 -Iterations 1000</code><para>Times 1000 single-sample inferences of the seed 000 CNN and reports the measured median and 90th percentile next to the estimate.</para></example>
/// <example><code>$cnn = Import-ModelSpec ./examples/specs/seed000_cnn.yaml
/// 'Managed', 'OnnxRuntime' | ForEach-Object { $cnn | Measure-ModelLatency -Engine $_ -BatchSize 1,1000 -Iterations 20 -Warmup 5 }</code><para>Compares the managed engine with ONNX Runtime at batch sizes 1 and 1000, after five warm-up runs.</para></example>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Measure-ModelLatency -BatchSize 1000 -Iterations 20 -ThrottleLimit 2</code><para>Times batches of 1000 through a trained model on two threads.</para></example>
/// </summary>
/// <remarks>
/// Takes a ModelSpec (Keras-initialised weights: timing does not depend on the values), a TrainingResult
/// or a TrainedModel, or -Path / -LiteralPath to a spec file or a .safetensors file (or spec text). Times
/// are per batch, measured by the engine named by -Engine; the estimate is InferenceFlops ÷ the FLOP/s of a
/// 512³ SGEMM measured on the same threads just before. Runs on a worker thread; Ctrl+C stops it.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Measure, "ModelLatency", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(LatencyMeasurement))]
public sealed class MeasureModelLatencyCommand : EngineCommand
{
    /// <summary>A ModelSpec (New-ModelSpec, Import-ModelSpec), a TrainingResult (Invoke-ModelTraining) or a TrainedModel (Import-TrainedModel).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ModelInputTransformation(ModelInputKind.AnyModel)]
    [ValidateNotNull]
    public IModelSource InputObject { get; set; } = null!;

    /// <summary>Spec files (YAML or Keras JSON) or trained models (.safetensors), wildcards allowed; piped strings bind here, and so does spec text (several lines, a JSON object, or YAML starting with apiVersion:).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files taken exactly as written (no wildcards); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Samples per timed forward pass (default 1); several sizes (-BatchSize 1,1000) give one measurement each.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, 1 << 20)]
    public int[] BatchSize { get; set; } = [1];

    /// <summary>Timed forward passes (default 1000).</summary>
    [Parameter]
    [ValidateRange(1, LatencyMeter.MaxIterations)]
    public int Iterations { get; set; } = 1000;

    /// <summary>Untimed forward passes first (default 100).</summary>
    [Parameter]
    [ValidateRange(0, LatencyMeter.MaxIterations)]
    public int Warmup { get; set; } = 100;

    /// <summary>Threads for inference and for the FLOP/s measurement (default 1; 0 = all cores).</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Counting convention of the estimate's FLOPs (default Flops), or the path of a rules YAML file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConventionCompleter))]
    public string Convention { get; set; } = CostOptionsBuilder.DefaultConvention;

    private protected override IModelSource? InputModel => ParameterSetName == InputObjectSet ? InputObject : null;

    private protected override string[] InputPaths => Path;

    private protected override string[] InputLiteralPaths => LiteralPath;

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var spec = model.GetSpec();
        var engine = ResolveEngine();
        EngineSupport.Ensure(engine, spec, EngineOperations.MeasureLatency);
        foreach (var batchSize in BatchSize) Measure(engine, model, spec, batchSize);
    }

    private void Measure(IModelEngine engine, IModelSource model, ModelCost.Core.Specs.ModelSpec spec, int batchSize)
    {
        var options = new LatencyOptions
        {
            BatchSize = batchSize, Iterations = Iterations, Warmup = Warmup, Threads = ThrottleLimit,
            Convention = CostOptionsBuilder.ResolveConvention(this, Convention), EngineOptions = EngineOptions(),
        };
        EnsureMemory(engine, spec, EngineOperations.MeasureLatency, options.BatchSize, options);
        var activity = $"Measuring the latency of {spec.Name}";
        WriteObject(RunWithProgress(ProgressActivity.Latency, activity, (pump, ct) =>
        {
            pump.PostProgress(new ProgressRecord(ProgressActivity.Latency, activity,
                $"{options.Iterations} runs of batch {options.BatchSize} after {options.Warmup} warm-up runs on {options.Threads} thread(s)"), important: true);
            return engine.MeasureLatency(model, options, ct);
        }));
    }
}
