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
    /// Asks ShouldProcess, applies the overwrite rules, then calls <paramref name="save"/> (target,
    /// overwrite). A failure is a non-terminating error for this object, or with
    /// <paramref name="stopOnError"/> (one file for the whole pipeline) stops the command.
    /// Returns true when the file was written.
    /// </summary>
    private protected bool WriteFile(string target, string action, Action<string, bool> save, bool stopOnError)
    {
        if (!ShouldProcess(target, action)) return false;
        void Write()
        {
            OutputFilePolicy.Check(target, Force.IsPresent, NoClobber.IsPresent);
            save(target, !NoClobber.IsPresent);
        }
        if (!stopOnError) return TryCore(Write, target);
        try
        {
            Write();
            return true;
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, target);
            return false;
        }
    }

    /// <summary>With -PassThru, outputs the written file.</summary>
    private protected void WritePassThru(string target)
    {
        if (PassThru.IsPresent) WriteObject(new FileInfo(target));
    }
}
