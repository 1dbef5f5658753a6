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
/// read-only file only with -Force. When -Path is an existing folder, each spec is written to
/// &lt;folder&gt;/&lt;Name&gt;.yaml, so a whole pipeline of specs can be exported at once. The file is
/// written to a temporary file in the same folder and renamed into place.
/// </remarks>
[Cmdlet(VerbsData.Export, "ModelSpec", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelSpecCommand : ExportFileCommand
{
    private readonly OutputTargets _targets = new();

    /// <summary>The spec to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>The YAML file to write, or an existing folder to write &lt;Name&gt;.yaml into.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var target = _targets.Resolve(this, Path, InputObject.Name, ".yaml", InputObject);
        if (target is null) return;
        var spec = InputObject;
        if (WriteFile(target, $"Export model spec '{spec.Name}'",
                (file, overwrite) => ModelSpecYaml.Save(spec, file, overwrite, CancellationToken), stopOnError: false))
            WritePassThru(target);
    }
}
