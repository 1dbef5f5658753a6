using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// The overwrite rules of PowerShell's own Export-Csv and Out-File, applied before the core's atomic
/// write: an existing file is replaced unless -NoClobber is given; a read-only file is replaced only
/// with -Force. The core (AtomicFile) does the write itself and owns the rules about what a target may be
/// (regular files only, symbolic links followed, folder must exist).
/// </summary>
internal static class OutputFilePolicy
{
    /// <summary>
    /// Throws a ModelCostException when the target may not be written. Changes nothing, so it runs before
    /// ShouldProcess: -WhatIf reports the error a real run would meet. Returns the file that would be replaced.
    /// </summary>
    public static string Check(string fullPath, bool force, bool noClobber)
    {
        var file = AtomicFile.CheckTarget(fullPath, overwrite: !noClobber);
        if (!File.Exists(file)) return file;
        if (AtomicFile.IsReadOnly(file) && !force)
            throw new ModelCostException(CmdletErrorIds.FileReadOnly, ModelCostErrorCategory.WriteError,
                $"The file '{file}' is read-only; use -Force to replace it.", file) { File = file };
        return file;
    }

    /// <summary>With -Force, clears the read-only flag of the file <see cref="Check"/> returned.</summary>
    public static void Prepare(string file, bool force)
    {
        if (!force || !File.Exists(file) || !AtomicFile.IsReadOnly(file)) return;
        try
        {
            AtomicFile.ClearReadOnly(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Could not clear the read-only flag of '{file}': {ex.Message}", file, ex) { File = file };
        }
    }
}
