using System.Management.Automation;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Where an export cmdlet writes each pipeline object: -Path as given, or, when -Path is an existing
/// folder, &lt;folder&gt;/&lt;Name&gt;&lt;extension&gt; so a whole pipeline can be exported at once. Refuses to
/// write two objects of one command to the same file (the second would silently replace the first).
/// </summary>
internal sealed class OutputTargets
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>The full target path, or null after writing an error.</summary>
    public string? Resolve(PSCmdlet cmdlet, string path, string name, string extension, object target)
    {
        var full = PathResolver.ResolveOutputPath(cmdlet, path);
        if (full is null) return null;
        if (Directory.Exists(full)) full = Path.Combine(full, SafeFileName(name) + extension);
        if (_written.Add(full)) return full;
        cmdlet.WriteError(ErrorRecordFactory.Create(CmdletErrorIds.OutputPathReused, ErrorCategory.InvalidOperation,
            $"'{full}' was already written by this command for another object; pass a folder as -Path to write one file per object.", target));
        return null;
    }

    /// <summary>A model name made safe as a file name (path separators and invalid characters become '_').</summary>
    public static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = name.Select(c => Array.IndexOf(invalid, c) >= 0 || c == '/' || c == '\\' ? '_' : c).ToArray();
        var s = new string(chars).Trim();
        return s.Length == 0 || s == "." || s == ".." ? "model" : s;
    }
}
