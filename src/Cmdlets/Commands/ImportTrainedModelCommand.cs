using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Reads a model saved by Export-TrainedModel: its spec and weights, ready for Invoke-ModelEvaluation or Measure-ModelLatency.</para>
/// <example><code>Import-TrainedModel ./cnn.safetensors | Invoke-ModelEvaluation -Dataset FashionMNIST</code></example>
/// </summary>
/// <remarks>Every number in the file's header is checked against the file before it is trusted, and
/// the tensors are checked against the spec in the metadata; a bad file writes an error naming it.</remarks>
[Cmdlet(VerbsData.Import, "TrainedModel", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(TrainedModel))]
public sealed class ImportTrainedModelCommand : ModelCostCmdlet
{
    // LiteralPath is the default set on purpose: a FileInfo piped from Get-ChildItem matches both
    // -Path (alias FullName) and -LiteralPath (PSPath), and the binder tries the default set first,
    // so a name with [ ] is not read as a wildcard. Positional and piped strings still bind -Path.
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";

    /// <summary>Model files; wildcards allowed. Binds FileInfo objects from Get-ChildItem through FullName.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Model files taken exactly as written (no wildcard expansion).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var file in PathResolver.ResolveExistingFiles(this, literal ? LiteralPath : Path, literal))
        {
            ThrowIfStopping();
            WriteVerbose($"Reading trained model '{file}'.");
            TrainedModel? model = null;
            if (TryCore(() => model = TrainedModelFile.Load(file, CancellationToken), file) && model is not null)
                WriteObject(model);
        }
    }
}
