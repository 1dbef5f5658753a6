using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ModelCost.PS.Loading;

/// <summary>
/// Adds ModelCost.PS.Types.ps1xml (default display sets, serialization depth) to the session's type table once.
/// The manifest does not list it under TypesToProcess: PowerShell processes that list on every import, and a
/// second copy of the module imported from another folder then fails with one "member is already present"
/// error per type before any of our code runs. Registering from the module initializer lets us skip what
/// the session already has.
/// </summary>
internal static class ModuleTypeData
{
    internal const string FileName = "ModelCost.PS.Types.ps1xml";

    /// <summary>A type the file always describes: if the session knows it, the file is already in.</summary>
    internal const string MarkerTypeName = "ModelCost.Core.Specs.ModelSpec";

    public static void Register(string moduleDirectory)
    {
        string path = Path.Combine(moduleDirectory, FileName);
        // No runspace on this thread (an import from a host API outside a pipeline): nothing to add the types to.
        if (Runspace.DefaultRunspace is null || !File.Exists(path)) return;
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.Utility\\Get-TypeData").AddParameter("TypeName", MarkerTypeName);
        if (ps.Invoke().Count > 0) return;
        ps.Commands.Clear();
        ps.AddCommand("Microsoft.PowerShell.Utility\\Update-TypeData").AddParameter("AppendPath", path);
        ps.Invoke();
    }
}
