using System.Management.Automation;
using System.Reflection;

namespace ModelCost.PS.Loading;

/// <summary>
/// Makes the core's public types nameable in PowerShell. ModelCost.Core lives in the module's private load
/// context, and PowerShell resolves <c>[Namespace.Type]</c> only among the default context's assemblies, so
/// <c>[ModelCost.Core.Engine.TrainingResult]</c> was TypeNotFound. Each public top-level type is registered as a
/// type accelerator under its full name (the documented way for a module to export types, see
/// about_Classes_and_Modules), so casts, <c>-is</c>, static members and <c>[OutputType]</c> in users' scripts work.
/// Full names only: no short name that could shadow another module's type.
/// </summary>
internal static class CoreTypeAccelerators
{
    private static readonly object Gate = new();
    private static bool s_done;

    public static void Register(Assembly core)
    {
        lock (Gate)
        {
            if (s_done) return;
            var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
            var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(Type)]);
            var get = accelerators?.GetProperty("Get", BindingFlags.Public | BindingFlags.Static);
            if (add is null || get?.GetValue(null) is not IDictionary<string, Type> existing) return; // a PowerShell without the API: names stay unavailable
            foreach (var type in core.GetExportedTypes())
            {
                if (type.IsNested || type.IsGenericTypeDefinition || type.FullName is not { } name) continue;
                if (existing.ContainsKey(name)) continue;
                add.Invoke(null, [name, type]);
            }
            s_done = true;
        }
    }
}
