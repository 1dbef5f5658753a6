using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Specs;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">One row per layer, like Keras summary(): Index, Name, Type, OutputShape, Params, TrainableParams, NonTrainableParams.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Get-ModelSummary | Export-Csv summary.csv</code><para>Writes the Keras-style summary of the seed 000 CNN (layer names, output shapes, parameters) to a CSV file, one row per layer.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelSummary", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(LayerSummary))]
public sealed class GetModelSummaryCommand : ModelInputCommand
{
    /// <summary>The spec to summarise, from New-ModelSpec or Import-ModelSpec.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ModelInputTransformation(ModelInputKind.Spec)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>Spec files (YAML or Keras JSON) or trained models (.safetensors), wildcards allowed; piped strings bind here, and so does spec text (several lines, a JSON object, or YAML starting with apiVersion:).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files taken exactly as written (no wildcards); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    private protected override IModelSource? InputModel => ParameterSetName == InputObjectSet ? InputObject : null;

    private protected override string[] InputPaths => Path;

    private protected override string[] InputLiteralPaths => LiteralPath;

    private protected override void ProcessModel(IModelSource model, object target) =>
        WriteObject(ModelSummary.Build(model.GetSpec()), enumerateCollection: true);
}
