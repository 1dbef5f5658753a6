using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Writes a model spec as YAML (apiVersion modelcost/v1) that Import-ModelSpec reads back to an equal spec.</para>
/// <example><code>$spec | Export-ModelSpec -Path ./mlp.yaml -NoClobber</code></example>
/// </summary>
/// <remarks>
/// Overwrite rules follow Export-Csv: an existing file is replaced unless -NoClobber is given, and a
/// read-only file only with -Force. When -Path is a folder (an existing one, one ending in a separator, or,
/// for several specs, a new name without an extension, which is created), each spec is written to
/// &lt;folder&gt;/&lt;Name&gt;.yaml, so a whole pipeline of specs can be exported at once. Several specs and a
/// file name are refused (OutputPathReused) before anything is written. Each file is written to a
/// temporary file in the same folder and renamed into place.
/// </remarks>
[Cmdlet(VerbsData.Export, "ModelSpec", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelSpecCommand : ExportFileCommand
{
    private readonly OutputTargets<ModelSpec> _targets = new();

    /// <summary>The spec to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>The YAML file to write, or a folder to write &lt;Name&gt;.yaml into (created when several specs go to a new name without an extension).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord() => _targets.Add(InputObject, InputObject.Name, InputObject);

    protected override void EndProcessing()
    {
        foreach (var (spec, file, _) in _targets.Plan(this, Path, ".yaml"))
            if (WriteFile(file, $"Export model spec '{spec.Name}'",
                    (f, overwrite) => ModelSpecYaml.Save(spec, f, overwrite, CancellationToken), stopOnError: false))
                WritePassThru(file);
    }
}
