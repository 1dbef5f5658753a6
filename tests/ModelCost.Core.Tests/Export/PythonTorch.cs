using System.Diagnostics;
using Xunit;

namespace ModelCost.Core.Tests.Export;

/// <summary>
/// Runs Debian's /usr/bin/python3 with torch (python3-torch 1.13) for the PyTorch peer checks, or
/// skips the calling [SkippableFact] visibly when python3 or torch is absent.
/// </summary>
internal static class PythonTorch
{
    /// <summary>The interpreter: $MODELCOST_PYTHON when set, else /usr/bin/python3.</summary>
    public static string Python { get; } = Environment.GetEnvironmentVariable("MODELCOST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Skips the test (reported as Skipped with the reason) when python3 or torch is missing.</summary>
    public static void SkipUnlessAvailable() => Skip.If(Unavailable.Value is not null, Unavailable.Value);

    /// <summary>A script under tests/peer, found by walking up from the test binaries.</summary>
    public static string PeerScript(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "peer", name);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"tests/peer/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs python with the arguments; fails the test on a non-zero exit or a timeout, naming stderr.</summary>
    public static string Run(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"python {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s");
        }
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} not found (install python3 and python3-torch, or set MODELCOST_PYTHON)";
        try
        {
            var psi = new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEndAsync();
            var err = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); return $"{Python} -c 'import torch' did not finish in 120 s"; }
            return p.ExitCode == 0 ? null : $"torch is not importable by {Python} (apt-get install python3-torch): {err.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{Python} cannot be started: {ex.Message}";
        }
    }
}
