using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Evaluates trained weights (a TrainingResult or an imported TrainedModel) on a dataset split: loss and accuracy.</para>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Invoke-ModelEvaluation -Dataset FashionMNIST -Split Test</code></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ModelEvaluation")]
[OutputType(typeof(EvaluationResult))]
public sealed class InvokeModelEvaluationCommand : ModelCostCmdlet
{
    private const int ActivityId = 3;

    /// <summary>A TrainingResult from Invoke-ModelTraining or a TrainedModel from Import-TrainedModel.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>A dataset name (FashionMNIST, MNIST) or an object from Get-ModelDataset.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public object Dataset { get; set; } = null!;

    /// <summary>The dataset split to evaluate on: Test (default) or Train.</summary>
    [Parameter]
    [ValidateSet("Test", "Train", IgnoreCase = true)]
    public string Split { get; set; } = "Test";

    /// <summary>Samples per forward pass (memory, not results, depends on it).</summary>
    [Parameter]
    [ValidateRange(1, 1 << 20)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Worker threads (default: all cores).</summary>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var input = InputObject;
        var dataset = Dataset;
        using var pump = new PipelinePump();
        EvaluationResult? result = null;
        if (TryCore(() =>
            {
                var model = TrainedModelArgument.Get(input);
                result = pump.Run(this, CancellationToken, ct =>
                {
                    var info = DatasetArgument.Resolve(dataset, pump, ct);
                    pump.PostProgress(new ProgressRecord(ActivityId, $"Evaluating {model.Spec.Name}", $"Loading {info.Name} from {info.Location}"), important: true);
                    var data = DatasetLoader.Load(info, ct);
                    pump.PostProgress(new ProgressRecord(ActivityId, $"Evaluating {model.Spec.Name}", $"{Split} split of {info.Name}"), important: true);
                    return Evaluator.Evaluate(model, data, Split, BatchSize, ThrottleLimit, ct);
                }, new ProgressRecord(ActivityId, "Evaluating", "Done"));
            }, input) && result is not null)
            WriteObject(result);
    }
}
