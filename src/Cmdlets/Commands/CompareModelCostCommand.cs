using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Compares models side by side: one row per model with the chosen figures and their ratios to a baseline; -Conclusion gives the conclusion naming the most accurate, the smallest, the cheapest and the accuracy bought per extra GFLOP.</para>
/// <example><code>$mlp, $cnn = Import-ModelSpec ./examples/specs/seed000_mlp.yaml, ./examples/specs/seed000_cnn.yaml
/// $mlp, $cnn | Measure-ModelCost | Compare-ModelCost -Baseline MLP_FashionMNIST</code><para>Costs the seed 000 MLP and CNN and writes one comparison row per model, each against the MLP_FashionMNIST baseline (the name the spec gives the model).</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_mlp.yaml, ./examples/specs/seed000_cnn.yaml | Compare-ModelCost -Conclusion | Select-Object -ExpandProperty Summary</code><para>Writes only the verdict: the conclusion object, whose Summary is one sentence comparing the models. Specs are costed at the default convention.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_*.yaml | Measure-ModelCost | Compare-ModelCost | Export-Csv comparison.csv</code><para>Writes the comparison rows alone (the conclusion is not in the output stream) to a CSV file, one row per model.</para></example>
/// </summary>
/// <remarks>Collects the whole pipeline first. Cost rows (Measure-ModelCost) and training runs
/// (Invoke-ModelTraining) of the same model merge into one row; model specs are costed under the default
/// convention (Flops). Only the rows go to the output, so Export-Csv, Sort-Object and Where-Object see rows
/// alone; the conclusion's sentence is shown on the information stream (like Write-Host, never captured by
/// tables or CSV), and -Conclusion outputs the ComparisonConclusion object instead of the rows.</remarks>
[Cmdlet(VerbsData.Compare, "ModelCost")]
[OutputType(typeof(ComparisonRow), typeof(ComparisonConclusion))]
public sealed class CompareModelCostCommand : ModelCostCmdlet
{
    private readonly List<object?> _items = new();

    /// <summary>ModelSpec objects (costed under the default Flops convention), ModelCost objects (Measure-ModelCost), TrainingResult objects (Invoke-ModelTraining) or rows of an earlier comparison.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>The model every ratio is relative to (default: the first model).</summary>
    /// <value>the first model</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>Figures to compare (default: all the inputs carry).</summary>
    /// <value>all the figures the inputs carry</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComparisonPropertyCompleter))]
    public string[]? Property { get; set; }

    /// <summary>Output the conclusion (most accurate, smallest, cheapest, fastest, accuracy per extra GFLOP, Summary) instead of the rows.</summary>
    [Parameter]
    public SwitchParameter Conclusion { get; set; }

    protected override void ProcessRecord()
    {
        // $null piped binds a null array; copies from jobs, Import-Clixml, JSON and CSV are rebuilt (or refused) one by one.
        foreach (var item in InputObject ?? []) TryCore(() => _items.Add(DeserializedObjects.RebuildRow(item)), item);
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
        if (Conclusion.IsPresent)
        {
            WriteObject(result.Conclusion);
            return;
        }
        WriteObject(result.Rows, enumerateCollection: true);
        // Shown like Write-Host: visible at the console, never part of the rows piped on.
        WriteInformation(new HostInformationMessage { Message = "Conclusion: " + result.Conclusion.Summary }, ["PSHost", "Conclusion"]);
    }
}
