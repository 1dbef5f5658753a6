using System.Management.Automation;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// An export that writes one file for the whole pipeline (chart, report): collects every input object
/// (unwrapped from PSObject) and writes in EndProcessing.
/// </summary>
public abstract class ExportCollectedCommand : ExportFileCommand
{
    /// <summary>ModelCost or TrainingResult objects or comparison rows (Export-ModelReport also takes LayerCost rows from Measure-ModelCost -PerLayer).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>Every object received, in pipeline order.</summary>
    private protected List<object?> Items { get; } = new();

    protected override void ProcessRecord()
    {
        // $null piped binds a null array; copies from jobs, Import-Clixml, JSON and CSV are rebuilt (or refused) one by one.
        foreach (var item in InputObject ?? []) TryCore(() => Items.Add(DeserializedObjects.RebuildRow(item)), item);
    }
}
