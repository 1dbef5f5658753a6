using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Writes one self-contained HTML page: the comparison table and conclusion, per-layer cost tables, training curves and charts.</para>
/// <example><code>$specs = Import-ModelSpec ./examples/specs/seed000_mlp.yaml, ./examples/specs/seed000_cnn.yaml
/// $runs = $specs | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $costs = $specs | Measure-ModelCost
/// $perLayer = $specs | Measure-ModelCost -PerLayer
/// $costs + $perLayer + $runs | Export-ModelReport -Path report.html -Title 'MLP vs CNN'</code><para>Trains the seed 000 MLP and CNN for one epoch, costs them in total and per layer, and writes all of it as one self-contained HTML report.</para></example>
/// </summary>
/// <remarks>Collects the whole pipeline (ModelCost, LayerCost, TrainingResult, comparison rows), then
/// writes the file atomically. Overwrite rules as Export-Csv.</remarks>
[Cmdlet(VerbsData.Export, "ModelReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelReportCommand : ExportCollectedCommand
{
    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The page title (default: ModelCost report).</summary>
    /// <value>ModelCost report</value>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The model the comparison's ratios are relative to (default: the first).</summary>
    /// <value>the first model</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>Figures for the report's bar chart (default: size, compute and memory figures present).</summary>
    /// <value>the size, compute and memory figures present</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComparisonPropertyCompleter))]
    public string[]? Property { get; set; }

    protected override void EndProcessing()
    {
        var target = PathResolver.ResolveOutputPath(this, Path);
        if (target is null) return;
        ReportData data;
        try
        {
            data = ReportData.FromItems(Items, Title, Baseline, Property);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Title);
            return;
        }
        if (WriteFile(target, "Write an HTML model report",
                (file, overwrite) => HtmlReport.Save(data, file, overwrite, CancellationToken), stopOnError: true))
            WritePassThru(target);
    }
}
