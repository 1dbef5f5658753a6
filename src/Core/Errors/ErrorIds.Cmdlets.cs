namespace ModelCost.Core.Errors;

/// <summary>Error ids the PowerShell cmdlets raise themselves (argument and path checks before the core is called).</summary>
public static partial class ErrorIds
{
    /// <summary>A -Path or -LiteralPath that matches no file.</summary>
    public const string PathNotFound = "PathNotFound";

    /// <summary>A path on a provider other than the file system (e.g. HKLM:, Env:).</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";

    /// <summary>An existing read-only target written without -Force.</summary>
    public const string FileReadOnly = "FileReadOnly";

    /// <summary>A pipeline object of a type the cmdlet cannot use.</summary>
    public const string InvalidInputObject = "InvalidInputObject";

    /// <summary>Two pipeline objects would be written to the same file by one command.</summary>
    public const string OutputPathReused = "OutputPathReused";
}
