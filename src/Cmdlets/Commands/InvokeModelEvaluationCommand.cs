using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.PS.Completers;
using ModelCost.PS.Engines;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Evaluates trained weights (a TrainingResult, an imported TrainedModel or a .safetensors file) on a dataset split: loss and accuracy.</para>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Invoke-ModelEvaluation -Dataset FashionMNIST -Split Test</code><para>Trains the seed 000 MLP for one epoch and measures its loss and accuracy on the Fashion-MNIST test split.</para></example>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Export-TrainedModel -Path ./mlp.safetensors
/// Invoke-ModelEvaluation FashionMNIST -Path ./mlp.safetensors</code><para>Evaluates a saved safetensors file directly by path, without loading it in a separate step.</para></example>
/// </summary>
/// <remarks>A dataset name that is not found locally is downloaded into the user cache, which asks
/// ShouldProcess. The engine named by -Engine runs the forward passes.</remarks>
[Cmdlet(VerbsLifecycle.Invoke, "ModelEvaluation", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(EvaluationResult))]
public sealed class InvokeModelEvaluationCommand : EngineCommand
{
    /// <summary>Trained weights: a TrainingResult from Invoke-ModelTraining or a TrainedModel from Import-TrainedModel.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ModelInputTransformation(ModelInputKind.TrainedModel)]
    [ValidateNotNull]
    public ITrainedModelSource InputObject { get; set; } = null!;

    /// <summary>.safetensors files written by Export-TrainedModel, wildcards allowed; piped strings bind here.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>.safetensors files taken exactly as written (no wildcards); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>A dataset name (FashionMNIST, MNIST) or an object from Get-ModelDataset.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public object Dataset { get; set; } = null!;

    /// <summary>The dataset split to evaluate on: Test (default) or Train.</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<DatasetSplit>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<DatasetSplit>>))]
    public string Split { get; set; } = nameof(DatasetSplit.Test);

    /// <summary>Samples per forward pass (memory, not results, depends on it).</summary>
    [Parameter]
    [ValidateRange(1, 1 << 20)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Worker threads (default: all cores).</summary>
    /// <value>0 (all cores)</value>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int ThrottleLimit { get; set; }

    /// <summary>Fail (DatasetNotFound, naming the folders searched) instead of downloading when the dataset is not on this machine. Without it, a missing dataset is downloaded, only its two test files when -Split is Test.</summary>
    [Parameter]
    public SwitchParameter NoDownload { get; set; }

    private protected override IModelSource? InputModel => ParameterSetName == InputObjectSet ? InputObject : null;

    private protected override string[] InputPaths => Path;

    private protected override string[] InputLiteralPaths => LiteralPath;

    private protected override bool NeedsTrainedWeights => true;

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var trained = model.GetTrainedModel()!;
        var engine = ResolveEngine();
        EngineSupport.Ensure(engine, trained.Spec, EngineOperations.Evaluate);
        var options = new EvaluationOptions
        {
            Split = EnumNames<DatasetSplit>.Parse(Split), BatchSize = BatchSize, Threads = ThrottleLimit, EngineOptions = EngineOptions(),
        };
        // The test split needs only the test pair: don't fetch (or require) the 55 MB of training images for it.
        if (DatasetArgument.Prepare(this, Dataset, allowDownload: !NoDownload.IsPresent,
                requireTrainingSplit: options.Split == DatasetSplit.Train) is not { } dataset) return;
        var activity = $"Evaluating {trained.Spec.Name}";
        WriteObject(RunWithProgress(ProgressActivity.Evaluation, activity, (pump, ct) =>
        {
            var info = dataset.Resolve(pump, ct);
            pump.PostProgress(new ProgressRecord(ProgressActivity.Evaluation, activity, $"Loading {info.Name} from {info.Location}"), important: true);
            var data = DatasetLoader.Load(info, ct);
            EnsureMemory(engine, trained.Spec, EngineOperations.Evaluate, options.BatchSize, options);
            pump.PostProgress(new ProgressRecord(ProgressActivity.Evaluation, activity, $"{options.Split} split of {info.Name}"), important: true);
            return engine.Evaluate(trained, data, options, ct);
        }));
    }
}
