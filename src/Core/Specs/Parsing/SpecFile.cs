using System.Text;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>Reads a spec file as text with the checks every loader needs (exists, not a folder, not huge).</summary>
internal static class SpecFile
{
    public const long MaxBytes = 16L * 1024 * 1024;

    public static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.InvalidArgument,
                $"'{path}' is not a valid path: {ex.Message}", path, ex) { File = path };
        }
        if (Directory.Exists(full))
            throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                $"Cannot read the spec '{full}': it is a directory, not a file.", full) { File = full };
        if (!File.Exists(full))
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"The spec file '{full}' does not exist.", full) { File = full };
        try
        {
            using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (fs.Length > MaxBytes)
                throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                    $"The spec file '{full}' is {fs.Length} bytes; spec files are limited to {MaxBytes} bytes (16 MiB).", full) { File = full };
            using var reader = new StreamReader(fs, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.ReadError,
                $"Cannot read the spec file '{full}': {ex.Message}", full, ex) { File = full };
        }
    }
}
