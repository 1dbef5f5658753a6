using System.Reflection;
using System.Runtime.Loader;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Engines;

/// <summary>
/// Engines by name. The managed and PyTorch engines are built in; any other engine is an assembly installed at
/// <c>&lt;EngineDirectory&gt;/&lt;Name&gt;/ModelCost.Engines.&lt;Name&gt;.dll</c> (with its dependencies beside it and
/// its native libraries under <c>runtimes/&lt;rid&gt;/native/</c>), loaded on first use through
/// <see cref="AssemblyLoader"/> and found by its <see cref="ModelEngineAttribute"/>. Importing the module
/// therefore never loads an engine's native libraries; asking for an engine that is not installed fails
/// with EngineNotInstalled and says how to install it. See docs/engine.md, "Engines".
/// </summary>
public sealed class EngineCatalog
{
    /// <summary>The built-in engine's name and the default of every <c>-Engine</c> parameter.</summary>
    public const string ManagedName = "Managed";

    private readonly object _gate = new();
    private readonly Dictionary<string, IModelEngine> _engines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The engine names every catalogue knows, installed or not, in the order they are listed.</summary>
    public static IReadOnlyList<KnownEngine> Known { get; } =
    [
        new(ManagedName, "the built-in managed engine: SIMD kernels, no native dependency", "It is built in."),
        new("Torch", "libtorch through TorchSharp, in this process",
            "Install it from the repository with './build.ps1 torch' (dotnet build src/Engines/Torch -c Release), which lays the engine and libtorch 2.10 (about 480 MB) out in Engines/Torch beside the module; see docs/engine.md."),
        new("PyTorch", "PyTorch in separate Python processes, DDP ranks",
            "It is built in; it needs Python 3 with torch (Debian: apt-get install python3-torch); the Python interpreter to use is an engine option."),
        new("OnnxRuntime", "ONNX Runtime, for inference latency",
            "It is built with the solution (dotnet build ModelCost.PS.sln -c Release, or dotnet build src/Engines/OnnxRuntime -c Release), which lays it out in Engines/OnnxRuntime beside the module with onnxruntime (about 30 MB) under runtimes/<rid>/native; see docs/engine.md."),
    ];

    /// <summary>The catalogue the cmdlets use. The module points its <see cref="EngineDirectory"/> at its own Engines folder.</summary>
    public static EngineCatalog Default { get; } = new();

    public EngineCatalog()
    {
        Register(new ManagedEngine());
        Register(new PyTorch.PyTorchEngine());
    }

    /// <summary>Folder holding one sub-folder per installed engine; null = only registered engines.</summary>
    public string? EngineDirectory { get; set; }

    /// <summary>
    /// Loads an engine assembly from its path. Null = the load context ModelCost.Core itself was loaded
    /// into, so the engine sees the same <see cref="IModelEngine"/> type. The module sets its private
    /// context here, which also finds the engine's dependencies and native libraries.
    /// </summary>
    public Func<string, Assembly>? AssemblyLoader { get; set; }

    /// <summary>The file an engine named <paramref name="name"/> is installed as.</summary>
    public static string AssemblyFileName(string name) => $"ModelCost.Engines.{name}.dll";

    /// <summary>Where an engine's assembly is expected, or null without an <see cref="EngineDirectory"/>.</summary>
    public string? AssemblyPath(string name) =>
        EngineDirectory is null ? null : Path.Combine(EngineDirectory, name, AssemblyFileName(name));

    /// <summary>Every name <c>-Engine</c> accepts: the known engines, then any other installed or registered one.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = Known.Select(k => k.Name).ToList();
            lock (_gate)
                names.AddRange(_engines.Keys.Where(n => !names.Contains(n, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase));
            foreach (var installed in InstalledFolders())
                if (!names.Contains(installed, StringComparer.OrdinalIgnoreCase)) names.Add(installed);
            return names;
        }
    }

    /// <summary>Adds an in-process engine (tests, hosts); it replaces an engine of the same name.</summary>
    public void Register(IModelEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (string.IsNullOrWhiteSpace(engine.Name)) throw new ArgumentException("An engine needs a name.", nameof(engine));
        lock (_gate) _engines[engine.Name] = engine;
    }

    /// <summary>True when <see cref="Get"/> would return an engine without loading anything that fails.</summary>
    public bool IsInstalled(string name)
    {
        lock (_gate) if (_engines.ContainsKey(name.Trim())) return true;
        var canonical = Canonical(name.Trim());
        return canonical is not null && AssemblyPath(canonical) is { } path && File.Exists(path);
    }

    /// <summary>
    /// The engine named <paramref name="name"/> (case-insensitive), loading it on first use. Throws
    /// UnknownEngine for a name no catalogue knows, EngineNotInstalled (saying how to install it) for a known
    /// engine that is not installed, and EngineLoadFailed for an installed assembly that cannot serve as one.
    /// </summary>
    public IModelEngine Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim();
        lock (_gate)
        {
            if (_engines.TryGetValue(key, out var registered)) return registered;
            var canonical = Canonical(key)
                ?? throw new ModelCostException(ErrorIds.UnknownEngine, ModelCostErrorCategory.InvalidArgument,
                    $"There is no engine named '{name}'. Engines: {string.Join(", ", Names)}.", name) { Option = "Engine" };
            var path = AssemblyPath(canonical);
            if (path is null || !File.Exists(path))
            {
                var known = Known.First(k => k.Name.Equals(canonical, StringComparison.OrdinalIgnoreCase));
                var where = path is null ? "" : $" It was looked for at '{path}'.";
                throw new ModelCostException(ErrorIds.EngineNotInstalled, ModelCostErrorCategory.ResourceUnavailable,
                    $"The {known.Name} engine ({known.Description}) is not installed.{where} {known.InstallHint}", known.Name) { Option = "Engine" };
            }
            var engine = Load(canonical, path);
            _engines[canonical] = engine;
            return engine;
        }
    }

    /// <summary>A known engine's name, or an installed folder's, with the catalogue's spelling; null for neither.</summary>
    private string? Canonical(string name) =>
        Known.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name
        ?? InstalledFolders().FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Sub-folders of <see cref="EngineDirectory"/> that hold their engine assembly.</summary>
    private IEnumerable<string> InstalledFolders()
    {
        if (EngineDirectory is null || !Directory.Exists(EngineDirectory)) yield break;
        IEnumerable<string> folders;
        try { folders = Directory.EnumerateDirectories(EngineDirectory).ToArray(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            if (File.Exists(Path.Combine(folder, AssemblyFileName(name)))) yield return name;
        }
    }

    private IModelEngine Load(string name, string path)
    {
        Assembly assembly;
        try
        {
            assembly = AssemblyLoader is { } load
                ? load(path)
                : EngineDependencyResolver.Load(AssemblyLoadContext.GetLoadContext(typeof(EngineCatalog).Assembly) ?? AssemblyLoadContext.Default, path);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or FileLoadException or UnauthorizedAccessException)
        {
            throw LoadFailed(name, path, $"the assembly cannot be loaded: {ex.Message}", ex);
        }
        var marker = assembly.GetCustomAttribute<ModelEngineAttribute>()
            ?? throw LoadFailed(name, path, $"it has no [assembly: {nameof(ModelEngineAttribute)}(typeof(...))] naming its engine class", null);
        if (!typeof(IModelEngine).IsAssignableFrom(marker.EngineType))
            throw LoadFailed(name, path, $"its engine class {marker.EngineType.FullName} does not implement {typeof(IModelEngine).FullName} "
                + "(was it built against another ModelCost.Core, or loaded into another load context?)", null);
        IModelEngine engine;
        try
        {
            engine = (IModelEngine)Activator.CreateInstance(marker.EngineType)!;
        }
        catch (Exception ex) when (ex is TargetInvocationException or MissingMethodException or MemberAccessException or TypeLoadException or FileNotFoundException)
        {
            var cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            if (cause is ModelCostException mce) throw mce;
            throw LoadFailed(name, path, $"creating {marker.EngineType.FullName} failed: {cause.Message}", cause);
        }
        if (!string.Equals(engine.Name, name, StringComparison.OrdinalIgnoreCase))
            throw LoadFailed(name, path, $"its engine calls itself '{engine.Name}'", null);
        return engine;
    }

    private static ModelCostException LoadFailed(string name, string path, string why, Exception? inner) =>
        new(ErrorIds.EngineLoadFailed, ModelCostErrorCategory.ResourceUnavailable,
            $"The {name} engine at '{path}' cannot be used: {why}.", name, inner) { File = path, Option = "Engine" };
}
