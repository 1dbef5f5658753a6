using System.Management.Automation;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">One row per layer, like Keras summary(): Index, Name, Type, OutputShape, Params, TrainableParams, NonTrainableParams.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Get-ModelSummary | Export-Csv summary.csv</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelSummary")]
[OutputType(typeof(LayerSummary))]
public sealed class GetModelSummaryCommand : ModelCostCmdlet
{
    /// <summary>The spec to summarise: a spec object, a spec file (path or FileInfo), or YAML / Keras JSON text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    protected override void ProcessRecord()
    {
        IReadOnlyList<LayerSummary>? rows = null;
        if (TryCore(() => rows = ModelSummary.Build(ModelSpecArgument.Get(this, InputObject)), InputObject) && rows is not null)
            WriteObject(rows, enumerateCollection: true);
    }
}
