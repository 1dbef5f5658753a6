using ModelCost.Core.Engines;
using Xunit;

namespace ModelCost.Core.Tests.Engines;

/// <summary>
/// Engines installed beside the built module (out/ModelCost.PS/Engines/&lt;Name&gt;, e.g. by './build.ps1 torch'), loaded
/// into this test process through the default catalogue; a test that needs one that is not installed is skipped, saying where it looked.
/// </summary>
internal static class InstalledEngines
{
    private static readonly object Gate = new();

    public static IModelEngine Get(string name)
    {
        var catalog = EngineCatalog.Default;
        lock (Gate)
            if (catalog.EngineDirectory is null && RepoRoot() is { } root)
                catalog.EngineDirectory = Path.Combine(root, "out", "ModelCost.PS", "Engines");
        Skip.IfNot(catalog.IsInstalled(name),
            $"The {name} engine is not installed here (expected at {catalog.AssemblyPath(name) ?? "a registered engine"}; './build.ps1 torch' installs Torch).");
        return catalog.Get(name);
    }

    private static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelCost.PS.sln"))) return dir.FullName;
        return null;
    }
}
