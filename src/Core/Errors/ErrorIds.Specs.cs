namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A spec document or layer string is beyond the size, node or nesting limits (e.g. a YAML alias bomb).</summary>
    public const string SpecTooLarge = "SpecTooLarge";

    /// <summary>A spec file cannot be read (missing, a directory, unreadable).</summary>
    public const string SpecFileNotFound = "SpecFileNotFound";
}
