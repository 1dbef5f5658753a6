using System.Diagnostics;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>Runs the peer scripts that export ONNX models with Debian's torch (tests are marked TorchPeerFact/TorchPeerTheory).</summary>
internal static class OnnxPeer
{
    /// <summary>Runs tests/peer/&lt;script&gt; with /usr/bin/python3; returns its standard output, failing the test on a non-zero exit.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var path = PeerConditions.RepoFile(script) ?? throw new FileNotFoundException($"{script} not found above {AppContext.BaseDirectory}");
        var psi = new ProcessStartInfo(PeerConditions.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
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
