using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// The overwrite rules of PowerShell's own Export-Csv and Out-File, applied before the core's atomic
/// write: an existing file is replaced unless -NoClobber is given; a read-only file is replaced only
/// with -Force. The core (AtomicFile) does the write itself.
/// </summary>
internal static class OutputFilePolicy
{
    /// <summary>Throws a ModelCostException when the target may not be written; with -Force clears a read-only flag.</summary>
    public static void Check(string fullPath, bool force, bool noClobber)
    {
        if (Directory.Exists(fullPath))
            throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                $"Cannot write '{fullPath}': it is a directory.", fullPath) { File = fullPath };
        if (!File.Exists(fullPath)) return;
        if (noClobber)
            throw new ModelCostException(ErrorIds.FileExists, ModelCostErrorCategory.ResourceExists,
                $"The file '{fullPath}' already exists and -NoClobber was given; it was left as it was.", fullPath) { File = fullPath };
        var attributes = File.GetAttributes(fullPath);
        if ((attributes & FileAttributes.ReadOnly) == 0) return;
        if (!force)
            throw new ModelCostException(CmdletErrorIds.FileReadOnly, ModelCostErrorCategory.WriteError,
                $"The file '{fullPath}' is read-only; use -Force to replace it.", fullPath) { File = fullPath };
        try
        {
            File.SetAttributes(fullPath, attributes & ~FileAttributes.ReadOnly);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Could not clear the read-only flag of '{fullPath}': {ex.Message}", fullPath, ex) { File = fullPath };
        }
    }
}
