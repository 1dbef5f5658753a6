using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace ModelCost.PS.Loading;

/// <summary>
/// Runs when Import-Module loads ModelCost.PS.dll (the "ALC" pattern of PowerShell's docs,
/// "Resolving PowerShell module assembly dependency conflicts"): the cmdlet assembly lives in the
/// default load context and refers to ModelCost.Core, which is not next to it but under
/// Dependencies/. When the default context fails to find ModelCost.Core it raises Resolving, and we
/// answer with the copy loaded into our private context; Core's own dependencies then resolve
/// inside that context. Every other name is left to the default context.
/// </summary>
/// <remarks>
/// PowerShell enumerates the assembly's exported types before it calls OnImport, so no exported type
/// may need ModelCost.Core just to be loaded: no Core base types, interfaces or value-type fields
/// (enums) in public classes. Core reference types as properties are fine; their types are only
/// resolved when a command is first bound, after OnImport has run.
/// </remarks>
public sealed class ModelCostModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The one assembly name our handler answers for.</summary>
    internal const string CoreAssemblyName = "ModelCost.Core";

    private static readonly object Gate = new();
    private static readonly string DependencyDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModelCostModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory,
        "Dependencies");

    private static readonly string CorePath = Path.Combine(DependencyDirectory, CoreAssemblyName + ".dll");

    /// <summary>The name (with version) of the Core assembly we ship, read once rather than on every Resolving event.</summary>
    private static readonly Lazy<AssemblyName?> AvailableCore = new(
        () => File.Exists(CorePath) ? AssemblyName.GetAssemblyName(CorePath) : null,
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static ModelCostAssemblyLoadContext? s_context;
    private static bool s_registered;

    /// <summary>The private context (created on first use).</summary>
    internal static ModelCostAssemblyLoadContext Context
    {
        get
        {
            lock (Gate)
                return s_context ??= new ModelCostAssemblyLoadContext(DependencyDirectory);
        }
    }

    public void OnImport()
    {
        Register();
        ModuleTypeData.Register(Path.GetDirectoryName(DependencyDirectory)!);
        CoreTypeAccelerators.Register(Context.LoadFromAssemblyName(new AssemblyName(CoreAssemblyName)));
    }

    /// <summary>
    /// Deliberately does nothing: the Resolving handler stays registered. Other runspaces of the process
    /// may still use the module (Remove-Module acts on one runspace), and the cmdlet assembly cannot be
    /// unloaded from the default context anyway, so dropping the handler could only break them. The
    /// handler answers for ModelCost.Core alone, so leaving it in place costs nothing.
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
    }

    /// <summary>Idempotent: PowerShell may call OnImport more than once for one load (e.g. Import-Module -Force).</summary>
    internal static void Register()
    {
        lock (Gate)
        {
            if (s_registered) return;
            AssemblyLoadContext.Default.Resolving += ResolveCore;
            s_registered = true;
        }
    }

    internal static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (!string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal)) return null;
        var available = AvailableCore.Value;
        if (available is null) return null;
        // Honour the requested version: a newer build satisfies an older reference, never the reverse.
        if (name.Version is not null && available.Version is not null && available.Version < name.Version) return null;
        return Context.LoadFromAssemblyName(name);
    }
}
