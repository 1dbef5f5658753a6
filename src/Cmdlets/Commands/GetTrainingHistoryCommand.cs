using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Lists the per-epoch history of training runs as flat rows (Model, Dataset, Epoch, Loss, Accuracy, ValLoss, ValAccuracy, Seconds), ready for Export-Csv.</para>
/// <example><code>$runs = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 2
/// $runs | Get-TrainingHistory | Export-Csv history.csv</code><para>Trains the seed 000 MLP for two epochs and writes its history as one CSV row per epoch, with the model's name on each row.</para></example>
/// <example><code>$runs = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 2
/// $runs | Get-TrainingHistory | Where-Object Epoch -eq 2 | Format-Table Model, ValAccuracy</code><para>Shows the validation accuracy of the second epoch of each run.</para></example>
/// </summary>
/// <remarks>A TrainingResult's History property holds the same epochs as objects; Export-Csv of the runs themselves
/// writes that property as a type name, so export the history with this command and the runs with
/// Select-Object -ExcludeProperty History.</remarks>
[Cmdlet(VerbsCommon.Get, "TrainingHistory")]
[OutputType(typeof(TrainingHistoryRow))]
public sealed class GetTrainingHistoryCommand : ModelCostCmdlet
{
    /// <summary>TrainingResult objects from Invoke-ModelTraining, or their copies from a job, Import-Clixml or ConvertFrom-Json (the history needs no weights).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            var value = PSObjectUnwrapper.BaseObject(item);
            if (value is TrainingResult run)
            {
                WriteObject(TrainingHistoryRow.From(run), enumerateCollection: true);
                continue;
            }
            // A copy from a job, Import-Clixml or ConvertFrom-Json carries the history's figures (not the weights, which this does not need).
            if (item is PSObject bag && DeserializedObjects.IsPropertyBag(bag) && DeserializedObjects.KindOf(bag) == DeserializedObjects.Kind.TrainingResult)
            {
                try { WriteObject(DeserializedObjects.History(bag), enumerateCollection: true); }
                catch (ModelCostException ex) { WriteError(ErrorRecordFactory.FromException(ex)); }
                continue;
            }
            WriteError(ErrorRecordFactory.Create(CmdletErrorIds.InvalidInputObject, ErrorCategory.InvalidArgument,
                $"Get-TrainingHistory takes TrainingResult objects (Invoke-ModelTraining) or their copies from a job, Import-Clixml or ConvertFrom-Json, not {(item is PSObject b && DeserializedObjects.IsPropertyBag(b) ? DeserializedObjects.Describe(b) : value?.GetType().Name ?? "null")}.", value));
        }
    }
}
