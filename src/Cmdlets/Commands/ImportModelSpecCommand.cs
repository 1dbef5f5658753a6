using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Reads model specs from YAML files or Keras model configs (model.to_json()), told apart by content.</para>
/// <example><code>Import-ModelSpec ./examples/specs/*.yaml | Measure-ModelCost</code></example>
/// </summary>
/// <remarks>One spec per file. A file that cannot be read or parsed writes an error naming the file,
/// line and column, and the next file is still imported.</remarks>
[Cmdlet(VerbsData.Import, "ModelSpec", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(ModelSpec))]
public sealed class ImportModelSpecCommand : ModelCostCmdlet
{
    // LiteralPath is the default set on purpose: a FileInfo piped from Get-ChildItem matches both
    // -Path (alias FullName) and -LiteralPath (PSPath), and the binder tries the default set first,
    // so a name with [ ] is not read as a wildcard. Positional and piped strings still bind -Path.
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";

    /// <summary>Spec files; wildcards allowed. Binds FileInfo objects from Get-ChildItem through FullName.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Spec files taken exactly as written (no wildcard expansion).</summary>
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
            WriteVerbose($"Reading model spec '{file}'.");
            ModelSpec? spec = null;
            if (TryCore(() => spec = ModelSpecReader.Load(file), file) && spec is not null)
                WriteObject(spec);
        }
    }
}
