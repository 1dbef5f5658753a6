using System.Reflection;
using ModelCost.Core.Errors;
using ModelCost.PS.Commands;
using ModelCost.PS.Infrastructure;
using ModelCost.Tools.ErrorCatalog;
using ModelCost.Tools.HelpGenerator;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>The committed help and error catalogue are what tools/HelpGenerator and tools/ErrorCatalog generate now.</summary>
public sealed class GeneratedFilesTests
{
    private static string Repo(params string[] parts)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ModelCost.PS.sln"))) return Path.Combine([d.FullName, .. parts]);
        throw new InvalidOperationException("Run from inside the repository.");
    }

    [Fact]
    public void The_committed_cmdlet_help_equals_a_fresh_generation()
    {
        var fresh = MamlHelp.ToText(MamlHelp.Generate(typeof(MeasureModelCostCommand).Assembly));
        var committed = File.ReadAllText(Repo("module", "en-US", "ModelCost.PS.dll-Help.xml"));
        Assert.True(fresh == committed, "module/en-US/ModelCost.PS.dll-Help.xml is stale: run dotnet run --project tools/HelpGenerator -c Release");
    }

    [Fact]
    public void The_committed_error_catalogue_equals_a_fresh_generation()
    {
        var fresh = ErrorCatalogDocument.Generate();
        var committed = File.ReadAllText(Repo("docs", "errors.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(fresh == committed, "docs/errors.md is stale: run dotnet run --project tools/ErrorCatalog -c Release > docs/errors.md");
    }

    [Fact]
    public void Every_error_id_is_declared_once_across_both_layers_and_documented()
    {
        static string[] Ids(Type t) => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        var core = Ids(typeof(ErrorIds));
        var cmdlets = Ids(typeof(CmdletErrorIds));
        Assert.Empty(core.Intersect(cmdlets));
        var catalogue = File.ReadAllText(Repo("docs", "errors.md"));
        Assert.All(cmdlets, id => Assert.Contains($"`{id}`", catalogue));
    }
}
