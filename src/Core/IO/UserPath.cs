using ModelCost.Core.Errors;

namespace ModelCost.Core.IO;

/// <summary>
/// Turns a path the user gave into a full path. <see cref="Path.GetFullPath(string)"/> throws
/// ArgumentException for an empty path or one holding a NUL character; readers and writers must
/// fail with a <see cref="ModelCostException"/> naming the path instead.
/// </summary>
internal static class UserPath
{
    public static string Full(string path, string errorId, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            var shown = path.Replace("\0", "\\0", StringComparison.Ordinal);
            throw new ModelCostException(errorId, ModelCostErrorCategory.InvalidArgument,
                $"{what} '{shown}' is not a valid path: {ex.Message}", path, ex) { File = path };
        }
    }
}
