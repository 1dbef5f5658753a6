using System.Diagnostics;
using Xunit;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>Debian's torch (python3-torch) as the ONNX exporter the import is checked against; its tests are skipped visibly without it.</summary>
internal static class OnnxPeer
{
    public const string Python = "/usr/bin/python3";

    public static bool TorchInstalled =>
        File.Exists(Python) && File.Exists("/usr/lib/python3/dist-packages/torch/__init__.py");

    /// <summary>A file of the repository (tests/peer/x.py), found above the test output folder.</summary>
    public static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, relative);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs a peer script with /usr/bin/python3; returns its standard output, failing the test on a non-zero exit.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoFile(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["OPENBLAS_CORETYPE"] = "Haswell";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException($"{script} ran over 10 minutes"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} exited {p.ExitCode}: {stderr.Result}");
        return stdout;
    }
}

/// <summary>A fact that needs /usr/bin/python3 with torch; skipped (reported as skipped, not passed) without it.</summary>
public sealed class TorchOnnxFactAttribute : FactAttribute
{
    public TorchOnnxFactAttribute()
    {
        if (!OnnxPeer.TorchInstalled) Skip = "needs /usr/bin/python3 with torch (Debian python3-torch) to export ONNX models; not installed here";
    }
}

/// <summary>A theory that needs /usr/bin/python3 with torch; skipped visibly without it.</summary>
public sealed class TorchOnnxTheoryAttribute : TheoryAttribute
{
    public TorchOnnxTheoryAttribute()
    {
        if (!OnnxPeer.TorchInstalled) Skip = "needs /usr/bin/python3 with torch (Debian python3-torch) to export ONNX models; not installed here";
    }
}

/// <summary>A fact that trains on Fashion-MNIST; skipped visibly when the dataset is not installed.</summary>
public sealed class FashionMnistOnnxFactAttribute : FactAttribute
{
    public FashionMnistOnnxFactAttribute()
    {
        if (!File.Exists(Path.Combine(Engine.TestIdx.FashionDir, "train-images-idx3-ubyte.gz")))
            Skip = $"needs Fashion-MNIST in {Engine.TestIdx.FashionDir} (apt-get install dataset-fashion-mnist)";
    }
}
