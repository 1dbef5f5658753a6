using System.Management.Automation;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What the Export-* cmdlets share: the overwrite switches of Export-Csv (-NoClobber, -Force for a
/// read-only file), -PassThru, and one write flow: ShouldProcess, <see cref="OutputFilePolicy"/>,
/// then the core's atomic save. Each cmdlet declares its own -Path (Mandatory, Position 0) so its
/// help can say what file it writes.
/// </summary>
public abstract class ExportFileCommand : ModelCostCmdlet
{
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

    /// <summary>
    /// Applies the overwrite rules (before ShouldProcess, so -WhatIf reports the error a real run would meet,
    /// e.g. a missing folder), asks ShouldProcess, then calls <paramref name="save"/> (target, overwrite). A
    /// failure is a non-terminating error for this object, or with <paramref name="stopOnError"/> (one file for
    /// the whole pipeline) stops the command. <paramref name="folderNotCreated"/> is a folder the plan would have
    /// created had -WhatIf not declined it: files in it are only announced. Returns true when the file was written.
    /// </summary>
    private protected bool WriteFile(string target, string action, Action<string, bool> save, bool stopOnError, string? folderNotCreated = null)
    {
        bool pending = folderNotCreated is not null
            && string.Equals(System.IO.Path.GetDirectoryName(target), System.IO.Path.TrimEndingDirectorySeparator(folderNotCreated), StringComparison.Ordinal);
        bool Run()
        {
            string? file = pending ? null : OutputFilePolicy.Check(target, Force.IsPresent, NoClobber.IsPresent);
            if (!ShouldProcess(target, action) || file is null) return false;
            OutputFilePolicy.Prepare(file, Force.IsPresent);
            save(target, !NoClobber.IsPresent);
            return true;
        }
        if (!stopOnError)
        {
            bool written = false;
            return TryCore(() => written = Run(), target) && written;
        }
        try
        {
            return Run();
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, target);
            return false;
        }
    }

    /// <summary>With -PassThru, outputs the written file as Get-Item does (FileInfo with PSPath, PSParentPath, PSProvider…).</summary>
    private protected void WritePassThru(string target)
    {
        if (PassThru.IsPresent) WriteObject(WrittenFile(target));
    }

    /// <summary>The written file through the FileSystem provider, so Get-Content, Import-ModelSpec and Remove-Item take it from the pipeline.</summary>
    private protected PSObject WrittenFile(string target)
    {
        var items = InvokeProvider.Item.Get([target], force: true, literalPath: true);
        return items.Count == 1 ? items[0] : PSObject.AsPSObject(new FileInfo(target));
    }
}
