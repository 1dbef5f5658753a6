using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Collects what an export cmdlet receives, then decides where each object goes before anything is
/// written (<see cref="ExportTargets"/>): -Path as a file for one object, or a folder (existing, ending in a
/// separator, or a new name without extension when several objects arrive) with &lt;Name&gt;&lt;extension&gt; per object.
/// </summary>
internal sealed class OutputTargets<T>
{
    private readonly List<(T Item, string Name, object Target)> _items = [];

    public void Add(T item, string name, object target) => _items.Add((item, name, target));

    /// <summary>Each object with its file, the folder created first (honouring -WhatIf); empty after writing a terminating error.</summary>
    public IReadOnlyList<(T Item, string File, object Target)> Plan(ModelCostCmdlet cmdlet, string path, string extension)
    {
        if (_items.Count == 0) return [];
        var full = PathResolver.ResolveOutputPath(cmdlet, path);
        if (full is null) return [];
        bool separator = path.EndsWith('/') || path.EndsWith(System.IO.Path.DirectorySeparatorChar);
        ExportTargets.Plan plan;
        try
        {
            plan = ExportTargets.Decide(full, separator, _items.Select(i => i.Name).ToArray(), extension);
        }
        catch (ModelCostException ex)
        {
            cmdlet.ThrowCoreError(ex, path);
            return [];
        }
        if (plan.CreateFolder is { } folder && cmdlet.ShouldProcess(folder, "Create folder"))
            Directory.CreateDirectory(folder);
        return _items.Select((x, i) => (x.Item, plan.Files[i], x.Target)).ToArray();
    }
}
