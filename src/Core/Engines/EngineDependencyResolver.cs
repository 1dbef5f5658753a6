using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ModelCost.Core.Engines;

/// <summary>
/// How a host other than the module (the xunit tests, a console) loads an installed engine into ModelCost.Core's
/// own load context: the engine assembly from its path, its managed dependencies from its folder and its native
/// libraries from runtimes/&lt;rid&gt;/native/ (this process's runtime identifier, then the portable ones), as the
/// module's private load context does. The default <see cref="EngineCatalog.AssemblyLoader"/>.
/// </summary>
public static class EngineDependencyResolver
{
    private static readonly object Gate = new();
    private static readonly HashSet<string> Folders = new(StringComparer.Ordinal);

    /// <summary>Loads the engine at <paramref name="path"/> into <paramref name="context"/>, resolving what it needs from its folder.</summary>
    public static Assembly Load(AssemblyLoadContext context, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        lock (Gate)
        {
            if (Folders.Add(folder))
            {
                context.Resolving += (ctx, name) =>
                {
                    var candidate = Path.Combine(folder, name.Name + ".dll");
                    return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
                };
                context.ResolvingUnmanagedDll += (_, library) =>
                    FindNative(folder, library) is { } native ? NativeLibrary.Load(native) : IntPtr.Zero;
            }
        }
        return context.LoadFromAssemblyPath(path);
    }

    /// <summary>The file a native library name stands for under an engine folder, or null.</summary>
    public static string? FindNative(string engineDirectory, string libraryName)
    {
        if (string.IsNullOrEmpty(libraryName) || Path.IsPathRooted(libraryName)) return null;
        var folders = RuntimeIdentifiers().Select(rid => Path.Combine(engineDirectory, "runtimes", rid, "native")).Append(engineDirectory);
        foreach (var folder in folders)
            foreach (var file in FileNames(libraryName))
            {
                var candidate = Path.Combine(folder, file);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>This process's runtime identifier first, then the portable ones it falls back to.</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rid = RuntimeInformation.RuntimeIdentifier;
        var list = new List<string> { rid };
        if (rid.Contains("musl", StringComparison.Ordinal)) list.Add($"linux-musl-{arch}");
        list.Add($"{os}-{arch}");
        list.Add(os);
        list.Add("any");
        return list.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>File names a DllImport name may stand for on this platform, most specific first (torch → libtorch.so).</summary>
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
