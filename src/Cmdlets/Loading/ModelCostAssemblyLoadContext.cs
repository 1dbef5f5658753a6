using System.Reflection;
using System.Runtime.Loader;

namespace ModelCost.PS.Loading;

/// <summary>
/// The module's private load context, rooted at the module's Dependencies/ folder. ModelCost.Core
/// is loaded here, and so is everything it needs that sits in that folder (YamlDotNet,
/// System.Numerics.Tensors), so another module's YamlDotNet can never clash with ours.
/// Engines (Engines/&lt;Name&gt;/) are loaded here on first use, next to the Core they implement; their
/// managed dependencies are found beside them and their native libraries under
/// runtimes/&lt;rid&gt;/native/ (<see cref="LoadUnmanagedDll"/>). Framework assemblies are in none of
/// these folders: Load returns null and the default context serves them.
/// </summary>
internal sealed class ModelCostAssemblyLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;
    private readonly List<string> _engineDirectories = new();
    private readonly object _gate = new();

    public ModelCostAssemblyLoadContext(string dependencyDirectory)
        : base(name: "ModelCost.PS", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>Loads an engine assembly and makes its folder a place to find its dependencies and native libraries.</summary>
    public Assembly LoadEngine(string assemblyPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!;
        lock (_gate)
            if (!_engineDirectories.Contains(directory, StringComparer.Ordinal)) _engineDirectories.Add(directory);
        return LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
    }

    /// <summary>The engine folders added so far, in the order engines were loaded.</summary>
    internal IReadOnlyList<string> EngineDirectories
    {
        get { lock (_gate) return _engineDirectories.ToArray(); }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName.Name)) return null;
        // Dependencies/ first, so every engine shares the one ModelCost.Core (and its IModelEngine type).
        foreach (var directory in EngineDirectories.Prepend(_dependencyDirectory))
        {
            var path = Path.Combine(directory, assemblyName.Name + ".dll");
            // Only the inherited LoadFromAssemblyPath loads into this context; Assembly.Load* would not.
            if (File.Exists(path)) return LoadFromAssemblyPath(path);
        }
        return null;
    }

    /// <summary>
    /// A DllImport (or NativeLibrary.Load with an assembly) from an assembly of this context: the library
    /// under an engine's runtimes/&lt;rid&gt;/native/ (or beside it), else IntPtr.Zero so the runtime probes
    /// as usual.
    /// </summary>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = FindNativeLibrary(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>The first engine folder's file that <paramref name="unmanagedDllName"/> names, or null.</summary>
    internal string? FindNativeLibrary(string unmanagedDllName)
    {
        foreach (var directory in EngineDirectories)
            if (NativeLibraryProbe.Find(directory, unmanagedDllName) is { } path) return path;
        return null;
    }
}
