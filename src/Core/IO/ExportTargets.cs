using ModelCost.Core.Errors;

namespace ModelCost.Core.IO;

/// <summary>
/// Decides where an export of one or more named objects writes, before anything is written:
/// <list type="bullet">
/// <item>an existing folder, or a path ending in a separator: one file per object, &lt;folder&gt;/&lt;Name&gt;&lt;extension&gt;
/// (the folder is created when missing);</item>
/// <item>several objects and a path that does not exist and has no extension (<c>-Path ./specs</c>): the same, in a new folder;</item>
/// <item>one object: the path as a file;</item>
/// <item>several objects and a file name (<c>-Path all.yaml</c>), or two objects with the same file name: refused with
/// <see cref="ErrorIds.OutputPathReused"/>, so no file is half-written and none silently replaces another.</item>
/// </list>
/// </summary>
public static class ExportTargets
{
    /// <summary>The planned files, in the order of <paramref name="names"/>, and the folder to create first (null when none).</summary>
    public sealed record Plan(IReadOnlyList<string> Files, string? CreateFolder);

    /// <param name="fullPath">The resolved -Path.</param>
    /// <param name="endsWithSeparator">Whether the user's path ended in / or \ (a folder, even when it does not exist).</param>
    /// <param name="names">Each object's name (model name).</param>
    /// <param name="extension">With the dot, e.g. ".yaml".</param>
    public static Plan Decide(string fullPath, bool endsWithSeparator, IReadOnlyList<string> names, string extension)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        ArgumentNullException.ThrowIfNull(names);
        var trimmed = Path.TrimEndingDirectorySeparator(fullPath);
        bool exists = Directory.Exists(trimmed);
        bool folder = exists || endsWithSeparator
            || (names.Count > 1 && !File.Exists(trimmed) && Path.GetExtension(trimmed).Length == 0);
        if (!folder)
        {
            if (names.Count > 1)
                throw new ModelCostException(ErrorIds.OutputPathReused, ModelCostErrorCategory.InvalidArgument,
                    $"{names.Count} objects ({Describe(names)}) would all be written to the one file '{trimmed}'; nothing was written. " +
                    $"Give a folder as the path (an existing one, or a new name without an extension such as '{Path.ChangeExtension(trimmed, null)}') to write one {extension} file per object.", trimmed)
                { File = trimmed, Option = "Path" };
            return new Plan([trimmed], null);
        }
        var files = names.Select(n => Path.Combine(trimmed, SafeFileName(n) + extension)).ToArray();
        var twice = files.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ModelCostException(ErrorIds.OutputPathReused, ModelCostErrorCategory.InvalidArgument,
                $"{twice.Count()} objects are named '{Path.GetFileNameWithoutExtension(twice.Key)}', so they would be written to the same file '{twice.Key}'; nothing was written. Give the models distinct names.", twice.Key)
            { File = twice.Key, Option = "Path" };
        return new Plan(files, exists ? null : trimmed);
    }

    /// <summary>
    /// A model name made safe as a file name on every platform: path separators, characters Windows forbids
    /// (<c>:*?"&lt;&gt;|</c>) and control characters become '_', a leading dot too (no hidden files), trailing dots
    /// and spaces go (Windows drops them), and the result is cut to 150 UTF-8 bytes (room for the extension and
    /// the temporary suffix within the usual 255-byte limit).
    /// </summary>
    public static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = name.Select(c => Array.IndexOf(invalid, c) >= 0 || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '_' : c).ToArray();
        var s = new string(chars).Trim().TrimEnd('.', ' ');
        if (s.StartsWith('.')) s = "_" + s[1..];
        while (System.Text.Encoding.UTF8.GetByteCount(s) > 150) s = s[..^(char.IsLowSurrogate(s[^1]) ? 2 : 1)];
        return s.Length == 0 ? "model" : s;
    }

    private static string Describe(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Count > 5 ? ", …" : "");
}
