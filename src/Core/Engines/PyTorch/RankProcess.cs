using System.Diagnostics;

namespace ModelCost.Core.Engines.PyTorch;

/// <summary>
/// One rank of a distributed run: the python process, its output read line by line on background
/// threads (stdout lines go to <c>onLine</c>; the last lines of both streams are kept for error
/// messages), and a way to stop it with every process it started.
/// </summary>
internal sealed class RankProcess : IDisposable
{
    private const int KeptLines = 15;
    private readonly Process _process;
    private readonly Queue<string> _last = new();
    private readonly Task _stdout, _stderr;

    private RankProcess(int rank, Process process, Action<int, string> onLine)
    {
        Rank = rank;
        _process = process;
        _stdout = Task.Run(() => Pump(process.StandardOutput, line => onLine(rank, line)));
        _stderr = Task.Run(() => Pump(process.StandardError, null));
    }

    public int Rank { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public DateTime ExitTime => _process.ExitTime;

    /// <summary>Starts <paramref name="python"/> with the arguments and environment; throws Win32Exception when it cannot start.</summary>
    public static RankProcess Start(int rank, string python, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, Action<int, string> onLine)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"Process.Start returned null for {python}.");
        p.StandardInput.Close();
        return new RankProcess(rank, p, onLine);
    }

    /// <summary>The last lines the rank wrote (stdout and stderr interleaved as read), oldest first.</summary>
    public string[] LastLines
    {
        get { lock (_last) return _last.ToArray(); }
    }

    /// <summary>Waits for the exit and for both streams to be read to the end.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        Task.WaitAll([_stdout, _stderr], TimeSpan.FromSeconds(5));
        return true;
    }

    /// <summary>Stops the rank and everything it started; returns once it has exited (or after a bounded wait).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        _process.WaitForExit(10_000);
    }

    private void Pump(StreamReader reader, Action<string>? onLine)
    {
        try
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lock (_last)
                {
                    _last.Enqueue(line);
                    while (_last.Count > KeptLines) _last.Dequeue();
                }
                onLine?.Invoke(line);
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
