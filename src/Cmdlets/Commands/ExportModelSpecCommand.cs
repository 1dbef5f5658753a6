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
public sealed class ExportModelSpecCommand : ModelCostCmdlet
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>The spec to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>The YAML file to write, or an existing folder to write &lt;Name&gt;.yaml into.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

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
        var target = PathResolver.ResolveOutputPath(this, Path);
        if (target is null) return;
        if (Directory.Exists(target))
            target = System.IO.Path.Combine(target, SafeFileName(InputObject.Name) + ".yaml");

        if (!_written.Add(target))
        {
            WriteError(ErrorRecordFactory.Create(ErrorIds.OutputPathReused, ErrorCategory.InvalidOperation,
                $"'{target}' was already written by this command for another spec; pass a folder as -Path to write one file per spec.", InputObject));
            return;
        }
        if (!ShouldProcess(target, $"Export model spec '{InputObject.Name}'")) return;

        var spec = InputObject;
        bool ok = TryCore(() =>
        {
            OutputFilePolicy.Check(target, Force.IsPresent, NoClobber.IsPresent);
            ModelSpecYaml.Save(spec, target, overwrite: !NoClobber.IsPresent, CancellationToken);
        }, target);
        if (ok && PassThru.IsPresent) WriteObject(new FileInfo(target));
    }

    /// <summary>A spec name made safe as a file name (path separators and invalid characters become '_').</summary>
    private static string SafeFileName(string name)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var chars = name.Select(c => Array.IndexOf(invalid, c) >= 0 || c == '/' || c == '\\' ? '_' : c).ToArray();
        var s = new string(chars).Trim();
        return s.Length == 0 || s == "." || s == ".." ? "model" : s;
    }
}
