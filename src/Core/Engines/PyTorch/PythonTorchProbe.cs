using System.Diagnostics;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Engines.PyTorch;

/// <summary>Checks, before any rank starts, that the interpreter runs and imports torch; says what to install when not.</summary>
internal static class PythonTorchProbe
{
    public const string DefaultPython = "python3";

    private const string InstallHint =
        "Install PyTorch for it (Debian/Ubuntu: apt-get install python3-torch; elsewhere: python3 -m pip install torch), or name another interpreter (the PyTorch engine's PythonPath option).";

    /// <summary>The torch version the interpreter imports; throws PythonNotFound or TorchNotInstalled.</summary>
    public static string Probe(string python, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, CreateNoWindow = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, torch; print(torch.__version__); print(sys.version.split()[0])");
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ModelCostException(ErrorIds.PythonNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"The PyTorch engine needs Python 3 with PyTorch, but '{python}' cannot be started ({ex.Message}). "
                + "Install Python 3 (Debian/Ubuntu: apt-get install python3 python3-torch) or give its path (the PyTorch engine's PythonPath option).", python, ex) { Option = "PythonPath" };
        }
        using (p)
        {
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
            var deadline = Stopwatch.StartNew();
            while (!p.WaitForExit(200))
            {
                if (cancellationToken.IsCancellationRequested || deadline.Elapsed > timeout)
                {
                    try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                    p.WaitForExit(5_000);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new ModelCostException(ErrorIds.TorchNotInstalled, ModelCostErrorCategory.ResourceUnavailable,
                        $"'{python} -c \"import torch\"' did not finish within {timeout.TotalSeconds:0} s; the interpreter or its torch installation does not respond. {InstallHint}", python)
                    { Option = "PythonPath" };
                }
            }
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                var err = stderr.Result.Trim();
                var lastLine = err.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"exit code {p.ExitCode}";
                throw new ModelCostException(ErrorIds.TorchNotInstalled, ModelCostErrorCategory.ResourceUnavailable,
                    $"'{python}' runs but cannot import torch ({lastLine}). {InstallHint}", python) { Option = "PythonPath" };
            }
            return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
        }
    }
}
