using System.Runtime.InteropServices;

namespace ModelCost.PS.Loading;

/// <summary>
/// Where an engine's native library lives, the way NuGet lays runtime assets out:
/// &lt;engine folder&gt;/runtimes/&lt;rid&gt;/native/&lt;file&gt;, trying this process's runtime identifier, then the
/// portable one (linux-x64, osx-arm64, win-x64, ...), then the engine folder itself; for each, the name
/// as given and then with the platform's prefix and suffix (torch → libtorch.so).
/// </summary>
internal static class NativeLibraryProbe
{
    public static string? Find(string engineDirectory, string libraryName)
    {
        if (string.IsNullOrEmpty(libraryName) || Path.IsPathRooted(libraryName)) return null;
        var folders = RuntimeIdentifiers().Select(rid => Path.Combine(engineDirectory, "runtimes", rid, "native")).Append(engineDirectory);
        foreach (var folder in folders)
            foreach (var file in FileNames(libraryName))
            {
                var path = Path.Combine(folder, file);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    /// <summary>This process's runtime identifier first, then the portable ones it falls back to.</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        var rid = RuntimeInformation.RuntimeIdentifier;
        var list = new List<string> { rid };
        if (OperatingSystem.IsLinux())
        {
            if (rid.Contains("musl", StringComparison.Ordinal)) list.Add($"linux-musl-{arch}");
            list.Add($"linux-{arch}");
            list.Add("linux");
        }
        else if (OperatingSystem.IsMacOS())
        {
            list.Add($"osx-{arch}");
            list.Add("osx");
        }
        else if (OperatingSystem.IsWindows())
        {
            list.Add($"win-{arch}");
            list.Add("win");
        }
        list.Add("any");
        return list.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>File names a DllImport name may stand for on this platform, most specific first.</summary>
    public static IEnumerable<string> FileNames(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows())
        {
            if (!name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) yield return name + ".dll";
            yield break;
        }
        var suffix = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        var file = Path.GetFileName(name);
        bool hasLib = file.StartsWith("lib", StringComparison.Ordinal);
        bool hasSuffix = file.Contains(suffix, StringComparison.Ordinal);
        if (!hasSuffix) yield return name + suffix;
        if (!hasLib)
        {
            var prefixed = Path.Combine(Path.GetDirectoryName(name) ?? "", "lib" + file);
            yield return prefixed;
            if (!hasSuffix) yield return prefixed + suffix;
        }
    }
}
