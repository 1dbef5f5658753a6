using System.Management.Automation;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What the Import-* cmdlets share: -Path (wildcards) and -LiteralPath, resolved the way built-in
/// cmdlets resolve them, then one object per file, a file that fails writing an error naming it
/// while the next file is still read.
/// </summary>
/// <remarks>
/// Derived cmdlets declare <c>DefaultParameterSetName = LiteralPathSet</c>: a FileInfo piped from
/// Get-ChildItem matches both -Path (alias FullName) and -LiteralPath (PSPath), and the binder tries
/// the default set first, so a name with [ ] is never read as a wildcard. Positional arguments and
/// piped strings still bind -Path, the only positional / ValueFromPipeline parameter.
/// </remarks>
public abstract class ImportFileCommand : ModelCostCmdlet
{
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";

    /// <summary>Files to read; wildcards allowed. Piped strings bind here (a piped FileInfo binds -LiteralPath).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files taken exactly as written (no wildcard expansion); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>What one file holds, for -Verbose ("model spec", "trained model").</summary>
    private protected abstract string ItemDescription { get; }

    /// <summary>Reads one resolved file; throws ModelCostException for a bad file.</summary>
    private protected abstract object Load(string file);

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var file in PathResolver.ResolveExistingFiles(this, literal ? LiteralPath : Path, literal))
        {
            ThrowIfStopping();
            WriteVerbose($"Reading {ItemDescription} '{file}'.");
            object? item = null;
            if (TryCore(() => item = Load(file), file) && item is not null)
                WriteObject(item);
        }
    }
}
