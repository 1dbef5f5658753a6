using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Compares models side by side: one row per model with the chosen figures and their ratios to a baseline, then a conclusion naming the most accurate, the smallest, the cheapest and the accuracy bought per extra GFLOP.</para>
/// <example><code>$mlp, $cnn | Measure-ModelCost | Compare-ModelCost -Baseline MLP</code></example>
/// <example><code>$costs + $runs | Compare-ModelCost -Property Params, InferenceFlops, TestAccuracy</code></example>
/// </summary>
/// <remarks>Collects the whole pipeline first. Cost rows (Measure-ModelCost) and training runs
/// (Invoke-ModelTraining) of the same model merge into one row.</remarks>
[Cmdlet(VerbsData.Compare, "ModelCost")]
[OutputType(typeof(ComparisonRow), typeof(ComparisonConclusion))]
public sealed class CompareModelCostCommand : ModelCostCmdlet
{
    private readonly List<object?> _items = new();

    /// <summary>ModelCost objects (Measure-ModelCost), TrainingResult objects (Invoke-ModelTraining) or rows of an earlier comparison.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>The model every ratio is relative to (default: the first model).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>Figures to compare (default: all the inputs carry).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComparisonPropertyCompleter))]
    public string[]? Property { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject) _items.Add(PSObjectUnwrapper.BaseObject(item));
    }

    protected override void EndProcessing()
    {
        ComparisonResult result;
        try
        {
            result = ModelComparison.Compare(_items, Baseline, Property);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Baseline);
            return;
        }
        WriteObject(result.Rows, enumerateCollection: true);
        WriteObject(result.Conclusion);
    }
}
