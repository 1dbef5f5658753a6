using ModelCost.Tools.HelpGenerator;

// dotnet run --project tools/HelpGenerator [-- <output file>]: regenerates module/en-US/ModelCost.PS.dll-Help.xml.
// tests/ModelCost.PS.Tests checks that the committed file equals a fresh generation.
var assembly = typeof(ModelCost.PS.Commands.MeasureModelCostCommand).Assembly;
var output = args.Length > 0 ? args[0] : Path.Combine(FindRepoRoot(AppContext.BaseDirectory), "module", "en-US", "ModelCost.PS.dll-Help.xml");
var document = MamlHelp.Generate(assembly);
File.WriteAllText(output, MamlHelp.ToText(document));
Console.WriteLine($"Wrote {output} ({document.Root!.Elements().Count()} cmdlets).");

static string FindRepoRoot(string start)
{
    for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "ModelCost.PS.sln"))) return d.FullName;
    throw new InvalidOperationException("Run from inside the repository.");
}
