using Xunit;

namespace ModelCost.Core.Tests;

/// <summary>Where the peers the tests compare against live; a missing peer skips its test visibly (reported as skipped).</summary>
internal static class PeerConditions
{
    public const string Python = "/usr/bin/python3";
    public const string FashionDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>Debian's python3-torch (or a pip install beside it) for /usr/bin/python3.</summary>
    public static bool TorchInstalled =>
        File.Exists(Python) && new[] { "/usr/lib/python3/dist-packages/torch/__init__.py" }
            .Concat(Directory.Exists("/usr/local/lib") ? Directory.GetDirectories("/usr/local/lib", "python3*").Select(d => Path.Combine(d, "dist-packages", "torch", "__init__.py")) : [])
            .Any(File.Exists);

    public static bool FashionMnistInstalled => File.Exists(Path.Combine(FashionDir, "train-images-idx3-ubyte.gz"));

    /// <summary>A file of the repository (tests/peer/x.py, examples/...), found above the test output folder.</summary>
    public static string? RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, relative);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}

/// <summary>A fact that needs /usr/bin/python3 with torch; skipped (not passed) without it.</summary>
public sealed class TorchPeerFactAttribute : FactAttribute
{
    public TorchPeerFactAttribute()
    {
        if (!PeerConditions.TorchInstalled) Skip = "needs /usr/bin/python3 with torch (Debian python3-torch); not installed here";
    }
}

/// <summary>A theory that needs /usr/bin/python3 with torch; skipped (not passed) without it.</summary>
public sealed class TorchPeerTheoryAttribute : TheoryAttribute
{
    public TorchPeerTheoryAttribute()
    {
        if (!PeerConditions.TorchInstalled) Skip = "needs /usr/bin/python3 with torch (Debian python3-torch); not installed here";
    }
}

/// <summary>A fact that trains on Fashion-MNIST; skipped (not passed) when the dataset is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!PeerConditions.FashionMnistInstalled) Skip = $"needs Fashion-MNIST in {PeerConditions.FashionDir} (apt-get install dataset-fashion-mnist)";
    }
}
