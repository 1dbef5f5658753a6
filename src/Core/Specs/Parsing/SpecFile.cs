using System.Text;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>Reads a spec file as text with the checks every loader needs (exists, not a folder, not huge, UTF-8 or UTF-16 with a BOM, no NUL).</summary>
internal static class SpecFile
{
    /// <summary>
    /// UTF-8 (BOM optional) or UTF-16 with its BOM. Bytes that are not UTF-8 (a Latin-1 'é' is the single byte E9)
    /// would otherwise decode to U+FFFD silently and change names; they fail with InvalidSpecEncoding at their line
    /// and column. NUL characters (e.g. a file padded with trailing zero bytes) fail the same way (<see cref="CheckText"/>).
    /// </summary>
    public static string Decode(byte[] bytes, string source)
    {
        ReadOnlySpan<byte> b = bytes;
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return CheckText(Encoding.Unicode.GetString(b[2..]), source);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return CheckText(Encoding.BigEndianUnicode.GetString(b[2..]), source);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) b = b[3..];
        var chars = new char[b.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(b, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = Encoding.UTF8.GetString(b[..read]);
            var (line, column) = Position(before, before.Length);
            throw new ModelCostException(ErrorIds.InvalidSpecEncoding, ModelCostErrorCategory.InvalidData,
                $"{source}:{line}:{column}: byte 0x{b[read]:X2} is not UTF-8 (a Latin-1 or Windows-1252 file?). Spec files are UTF-8; save it as UTF-8 and read it again.", source)
            { File = source, Line = line, Column = column };
        }
        return CheckText(new string(chars, 0, written), source);
    }

    /// <summary>Refuses text holding a NUL character (no spec format allows one), naming its line and column.</summary>
    public static string CheckText(string text, string? source)
    {
        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul < 0) return text;
        var (line, column) = Position(text, nul);
        bool trailing = text.AsSpan(nul).Trim('\0').IsWhiteSpace();
        throw new ModelCostException(ErrorIds.InvalidSpecEncoding, ModelCostErrorCategory.InvalidData,
            $"{source ?? "The spec text"}:{line}:{column}: a NUL character{(trailing ? " (the text ends in NUL padding)" : "")}; spec text may not hold one.", source)
        { File = source, Line = line, Column = column };
    }

    private static (int Line, int Column) Position(string text, int index)
    {
        int line = 1, start = 0;
        for (int i = 0; i < index; i++)
            if (text[i] == '\n') { line++; start = i + 1; }
        return (line, index - start + 1);
    }

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
            var bytes = new byte[fs.Length];
            fs.ReadExactly(bytes);
            return Decode(bytes, full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.ReadError,
                $"Cannot read the spec file '{full}': {ex.Message}", full, ex) { File = full };
        }
    }
}
