using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Draws a bar chart of one or more figures per model (grouped bars for several) as a self-contained SVG file.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed003_q1_dnn.yaml, ./examples/specs/seed003_q2_dnn.yaml, ./examples/specs/seed003_q3_cnn2d.yaml |
///     Measure-ModelCost | Export-ModelCostChart -Property InferenceFlops, Params -Path chart.svg -Title 'Course questions'</code><para>Writes an SVG bar chart of the inference FLOPs and parameters of seed 003's three course models, titled 'Course questions'.</para></example>
/// </summary>
/// <remarks>Collects the whole pipeline, then writes the file atomically. Overwrite rules as Export-Csv
/// (-NoClobber keeps an existing file, -Force also replaces a read-only one).</remarks>
[Cmdlet(VerbsData.Export, "ModelCostChart", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelCostChartCommand : ExportCollectedCommand
{
    /// <summary>Figures to chart (default InferenceFlops).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComparisonPropertyCompleter))]
    public string[] Property { get; set; } = { ChartData.DefaultProperty };

    /// <summary>The SVG file to write; the name must end in .svg (charts are SVG only: a .png path is refused with UnsupportedChartFormat before anything is written).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The chart title (default: the figures charted).</summary>
    /// <value>the figures charted</value>
    [Parameter]
    public string? Title { get; set; }

    protected override void EndProcessing()
    {
        var target = PathResolver.ResolveOutputPath(this, Path);
        if (target is null) return;
        ChartData data;
        try
        {
            SvgBarChart.CheckExtension(target);
            data = ChartData.FromItems(Items, Property, Title);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Property);
            return;
        }
        if (WriteFile(target, $"Write a bar chart of {string.Join(", ", Property)} for {data.Categories.Count} model(s)",
                (file, overwrite) => SvgBarChart.Save(data, file, overwrite, CancellationToken), stopOnError: true))
            WritePassThru(target);
    }
}
