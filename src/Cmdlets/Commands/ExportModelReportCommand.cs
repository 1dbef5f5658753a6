using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Writes one self-contained HTML page: the comparison table and conclusion, per-layer cost tables, training curves and charts.</para>
/// <example><code>$costs + $perLayer + $runs | Export-ModelReport -Path report.html -Title 'MLP vs CNN'</code></example>
/// </summary>
/// <remarks>Collects the whole pipeline (ModelCost, LayerCost, TrainingResult, comparison rows), then
/// writes the file atomically. Overwrite rules as Export-Csv.</remarks>
[Cmdlet(VerbsData.Export, "ModelReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelReportCommand : ModelCostCmdlet
{
    private readonly List<object?> _items = new();

    /// <summary>ModelCost, LayerCost (Measure-ModelCost -PerLayer), TrainingResult objects or comparison rows.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The page title (default: ModelCost report).</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The model the comparison's ratios are relative to (default: the first).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>Figures for the report's bar chart (default: size, compute and memory figures present).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComparisonPropertyCompleter))]
    public string[]? Property { get; set; }

    /// <summary>Also replace a read-only file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Never replace an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Output the written file (FileInfo).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject) _items.Add(item is PSObject pso ? pso.BaseObject : item);
    }

    protected override void EndProcessing()
    {
        var target = PathResolver.ResolveOutputPath(this, Path);
        if (target is null) return;
        ReportData data;
        try
        {
            data = ReportData.FromItems(_items, Title, Baseline, Property);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Title);
            return;
        }
        if (!ShouldProcess(target, "Write an HTML model report")) return;
        try
        {
            OutputFilePolicy.Check(target, Force.IsPresent, NoClobber.IsPresent);
            HtmlReport.Save(data, target, overwrite: !NoClobber.IsPresent, CancellationToken);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, target);
            return;
        }
        if (PassThru.IsPresent) WriteObject(new FileInfo(target));
    }
}
