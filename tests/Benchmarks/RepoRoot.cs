namespace ModelCost.Benchmarks;

/// <summary>The repository root: the first folder above the binary (or the working folder) holding ModelCost.PS.sln.</summary>
public static class RepoRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "ModelCost.PS.sln"))) return d.FullName;
        }
        throw new DirectoryNotFoundException("ModelCost.PS.sln not found above " + Environment.CurrentDirectory + " or " + AppContext.BaseDirectory);
    }
}
