namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Error ids the PowerShell layer raises itself (paths, pipeline objects, overwrite rules); every id the
/// core raises is in ModelCost.Core.Errors.ErrorIds. Both lists appear in docs/errors.md, and a test
/// checks that no id is declared twice.
/// </summary>
public static class CmdletErrorIds
{
    /// <summary>A -Path or -LiteralPath that matches no file.</summary>
    public const string PathNotFound = "PathNotFound";

    /// <summary>A path on a provider other than the file system (e.g. HKLM:, Env:).</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";

    /// <summary>An existing read-only target written without -Force.</summary>
    public const string FileReadOnly = "FileReadOnly";

    /// <summary>A pipeline object or argument of a kind the cmdlet cannot use.</summary>
    public const string InvalidInputObject = "InvalidInputObject";

    /// <summary>Piped strings that are the lines of a spec file (Get-Content without -Raw): reported once per command.</summary>
    public const string SpecTextByLine = "SpecTextByLine";

    /// <summary>A deserialized copy of a trained model (Start-Job, Import-Clixml, ConvertFrom-Json): the copy has no weights.</summary>
    public const string DeserializedTrainedModel = "DeserializedTrainedModel";

    /// <summary>A deserialized cost row, comparison row, spec or training history that lacks a property or holds a value that does not parse.</summary>
    public const string DeserializedObjectInvalid = "DeserializedObjectInvalid";
}
