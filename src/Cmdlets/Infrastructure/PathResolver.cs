using System.Collections.ObjectModel;
using System.Management.Automation;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Resolves -Path (wildcards) and -LiteralPath arguments to file-system paths the way built-in
/// cmdlets do: relative to the current PowerShell location (not the process directory), through
/// PowerShell providers, with one non-terminating error per path that matches nothing.
/// </summary>
internal static class PathResolver
{
    private const string FileSystemProvider = "FileSystem";

    /// <summary>
    /// Existing files for input. A wildcard that matches nothing yields nothing (as Get-Content does);
    /// a plain path that does not exist, a directory, or a non-file-system path writes an error.
    /// </summary>
    public static IReadOnlyList<string> ResolveExistingFiles(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            if (string.IsNullOrEmpty(path)) continue;
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                if (literal)
                {
                    var one = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                    resolved = new Collection<string> { one };
                }
                else
                {
                    resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                }
            }
            catch (ItemNotFoundException)
            {
                WritePathNotFound(cmdlet, path);
                continue;
            }
            catch (Exception ex) when (ex is SessionStateException or PSArgumentException or NotSupportedException)
            {
                cmdlet.WriteError(new ErrorRecord(ex, CmdletErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                continue;
            }

            if (!string.Equals(provider.Name, FileSystemProvider, StringComparison.OrdinalIgnoreCase))
            {
                cmdlet.WriteError(ErrorRecordFactory.Create(CmdletErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument,
                    $"The path '{path}' is on the {provider.Name} provider; ModelCost reads only file-system paths.", path));
                continue;
            }

            foreach (var p in resolved)
            {
                if (Directory.Exists(p))
                {
                    // A wildcard that also matches folders: skip them quietly; a folder named outright is an error.
                    if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
                        cmdlet.WriteError(ErrorRecordFactory.Create(ErrorIds.PathIsDirectory, ErrorCategory.InvalidArgument,
                            $"The path '{p}' is a directory, not a file.", p));
                    continue;
                }
                if (!File.Exists(p))
                {
                    WritePathNotFound(cmdlet, path);
                    continue;
                }
                result.Add(p);
            }
        }
        return result;
    }

    /// <summary>
    /// A file-system path for output (the file need not exist). Wildcards resolve as Out-File's do: a
    /// pattern matching one existing item names it, one matching several is refused, and one matching
    /// nothing is refused when it holds '*' or '?' (no file is ever created with those in its name); a
    /// pattern of only '[…]' that matches nothing is the literal name. Returns null after writing an error.
    /// </summary>
    public static string? ResolveOutputPath(PSCmdlet cmdlet, string path)
    {
        string full;
        ProviderInfo provider;
        try
        {
            full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception ex) when (ex is SessionStateException or PSArgumentException or NotSupportedException)
        {
            cmdlet.WriteError(new ErrorRecord(ex, CmdletErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
            return null;
        }
        if (!string.Equals(provider.Name, FileSystemProvider, StringComparison.OrdinalIgnoreCase))
        {
            cmdlet.WriteError(ErrorRecordFactory.Create(CmdletErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument,
                $"The path '{path}' is on the {provider.Name} provider; ModelCost writes only file-system paths.", path));
            return null;
        }
        if (!WildcardPattern.ContainsWildcardCharacters(path)) return full;

        Collection<string> matches;
        try
        {
            matches = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or SessionStateException or PSArgumentException or NotSupportedException)
        {
            matches = [];
        }
        if (matches.Count == 1) return matches[0];
        if (matches.Count > 1)
        {
            cmdlet.WriteError(ErrorRecordFactory.Create(ErrorIds.InvalidFileName, ErrorCategory.InvalidArgument,
                $"The output path '{path}' matches {matches.Count} items ({string.Join(", ", matches.Take(3).Select(m => $"'{m}'"))}{(matches.Count > 3 ? ", …" : "")}); name one file or folder.", path));
            return null;
        }
        if (path.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            cmdlet.WriteError(ErrorRecordFactory.Create(ErrorIds.InvalidFileName, ErrorCategory.InvalidArgument,
                $"The output path '{path}' holds wildcard characters and matches nothing; no file is created with '*' or '?' in its name. Name the file outright.", path));
            return null;
        }
        return full;
    }

    /// <summary>
    /// A single input path (no wildcards; the file need not exist yet, the reader reports that with its
    /// own id), relative to the PowerShell location. Throws a ModelCostException, so the caller's per-item
    /// error handling reports a bad drive (PathNotFound) or another provider (NotFileSystemPath).
    /// </summary>
    public static string ResolveInputPath(PSCmdlet cmdlet, string path)
    {
        string full;
        ProviderInfo provider;
        try
        {
            full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception ex) when (ex is SessionStateException or PSArgumentException or NotSupportedException)
        {
            throw new ModelCostException(CmdletErrorIds.PathNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"Cannot resolve the path '{path}': {ex.Message}", path, ex);
        }
        if (!string.Equals(provider.Name, FileSystemProvider, StringComparison.OrdinalIgnoreCase))
            throw new ModelCostException(CmdletErrorIds.NotFileSystemPath, ModelCostErrorCategory.InvalidArgument,
                $"The path '{path}' is on the {provider.Name} provider; ModelCost reads only file-system paths.", path);
        return full;
    }

    private static void WritePathNotFound(PSCmdlet cmdlet, string path) =>
        cmdlet.WriteError(ErrorRecordFactory.Create(CmdletErrorIds.PathNotFound, ErrorCategory.ObjectNotFound,
            $"Cannot find path '{path}' because it does not exist.", path));
}
