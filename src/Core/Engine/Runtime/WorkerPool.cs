namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// A fixed set of threads that run one job split into <see cref="Threads"/> parts, the caller
/// running part 0. Dedicated threads (not the TPL) so a batch allocates nothing and never runs
/// more than <see cref="Threads"/> busy threads; idle workers block rather than spin.
/// </summary>
internal sealed class WorkerPool : IDisposable, ModelCost.Core.Engine.Kernels.IParallelRunner
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private Action<int>? _job;
    private Exception? _error;
    private int _pending;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        _start = new SemaphoreSlim[Threads - 1];
        for (int w = 0; w < _workers.Length; w++)
        {
            _start[w] = new SemaphoreSlim(0);
            int part = w + 1;
            _workers[w] = new Thread(() => Loop(part)) { IsBackground = true, Name = "ModelCost engine worker " + part };
            _workers[w].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs job(0..Threads-1) concurrently and returns when all parts are done; rethrows the first failure.</summary>
    public void Run(Action<int> job)
    {
        if (Threads == 1) { job(0); return; }
        ObjectDisposedException.ThrowIf(_disposed, this);
        _job = job;
        _error = null;
        _pending = Threads - 1;
        _done.Reset();
        for (int w = 0; w < _start.Length; w++) _start[w].Release();
        try { job(0); }
        catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        _done.Wait();
        _job = null;
        if (_error is { } err) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(err);
    }

    /// <summary>The [start, end) slice of <paramref name="count"/> items that part <paramref name="part"/> owns.</summary>
    public static (int Start, int End) Slice(int count, int parts, int part) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    private void Loop(int part)
    {
        var start = _start[part - 1];
        while (true)
        {
            start.Wait();
            if (_disposed) return;
            try { _job!(part); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _workers) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
