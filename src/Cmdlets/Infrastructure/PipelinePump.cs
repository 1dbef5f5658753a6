using ModelCost.Core.Errors;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Runs long core work (training, evaluation, downloads, latency runs) on a background thread and
/// carries its progress to the cmdlet. PowerShell's Write* methods may only be called on the
/// pipeline thread, while the core's IProgress callbacks arrive on worker threads: the callbacks
/// post here (thread-safe, never blocking the worker) and <see cref="Run{T}"/> writes them from the
/// cmdlet's own thread. Progress records are coalesced (the newest replaces an unwritten older one,
/// at most one every <see cref="ProgressInterval"/>) so a fast training loop is never slowed by the
/// host; records marked important (first/last batch of an epoch) and verbose messages are
/// all delivered, in order.
/// </summary>
internal sealed class PipelinePump : IDisposable
{
    /// <summary>Minimum time between two coalesced progress records.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait, after Ctrl+C, for the core to notice its cancellation token.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<(MessageKind Kind, object Payload)> _messages = new();
    private readonly SemaphoreSlim _signal = new(0);
    private ProgressRecord? _latestProgress;
    private ProgressRecord? _lastWritten;

    private enum MessageKind { Progress, Verbose }

    /// <summary>Queues a progress record; unless <paramref name="important"/>, a newer one may replace it.</summary>
    public void PostProgress(ProgressRecord record, bool important = false)
    {
        if (important)
        {
            // Newer than any coalesced record still waiting: drop that one so the bar never steps back.
            Interlocked.Exchange(ref _latestProgress, null);
            _messages.Enqueue((MessageKind.Progress, record));
        }
        else
        {
            Interlocked.Exchange(ref _latestProgress, record);
        }
        Signal();
    }

    public void PostVerbose(string text)
    {
        _messages.Enqueue((MessageKind.Verbose, text));
        Signal();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a dedicated thread and, on the calling (pipeline) thread, writes
    /// what it posts until it finishes. Exceptions from the work are rethrown here with their stack.
    /// A final Completed progress record (when <paramref name="completed"/> is given and any progress was shown) is written in finally.
    /// </summary>
    public T Run<T>(PSCmdlet cmdlet, CancellationToken cancellationToken, Func<CancellationToken, T> work, ProgressRecord? completed = null)
    {
        // Our own source, so the work is also cancelled when this loop ends abnormally (not only on Ctrl+C).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        var task = Task.Factory.StartNew(() => work(token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = task.ContinueWith(_ => Signal(), TaskScheduler.Default);
        Stopwatch? stopping = null;
        var sinceProgress = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                _signal.Wait(ProgressInterval);
                if (cmdlet.Stopping || token.IsCancellationRequested)
                {
                    // Nothing may be written once the pipeline is stopping; wait (bounded) for the core
                    // to stop within its current batch so no work keeps running after the prompt returns.
                    stopping ??= Stopwatch.StartNew();
                    if (task.IsCompleted || stopping.Elapsed > StopGrace) break;
                    continue;
                }
                // Completion is read before draining: everything the work posted happened before it completed.
                bool done = task.IsCompleted;
                Drain(cmdlet, sinceProgress, force: done);
                if (done) break;
            }
        }
        finally
        {
            if (!task.IsCompleted)
            {
                // Leaving early (the pipeline stopped while writing, or an error): stop the work and let it finish its batch.
                linked.Cancel();
                try { task.Wait(StopGrace); } catch (AggregateException) { }
            }
            // Close the bar only if one was shown.
            if (completed is not null && _lastWritten is not null && !cmdlet.Stopping)
            {
                completed.RecordType = ProgressRecordType.Completed;
                try { cmdlet.WriteProgress(completed); } catch (PipelineStoppedException) { }
            }
        }

        if (!task.IsCompleted) throw new PipelineStoppedException();
        if (task.IsFaulted)
        {
            var inner = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerExceptions[0] : task.Exception;
            // Out of memory or a 32-bit overflow in the work: an error with an id, never a bare .NET exception.
            if (ResourceExhaustion.Translate(inner) is { } exhausted) throw exhausted;
            ExceptionDispatchInfo.Capture(inner).Throw();
        }
        if (task.IsCanceled) throw new OperationCanceledException(cancellationToken);
        return task.Result;
    }

    private void Drain(PSCmdlet cmdlet, Stopwatch sinceProgress, bool force)
    {
        while (_messages.TryDequeue(out var message))
        {
            switch (message.Kind)
            {
                case MessageKind.Progress:
                    WriteProgress(cmdlet, (ProgressRecord)message.Payload, sinceProgress);
                    break;
                case MessageKind.Verbose:
                    cmdlet.WriteVerbose((string)message.Payload);
                    break;
            }
        }
        if (force || sinceProgress.Elapsed >= ProgressInterval)
        {
            var latest = Interlocked.Exchange(ref _latestProgress, null);
            if (latest is not null) WriteProgress(cmdlet, latest, sinceProgress);
        }
    }

    private void WriteProgress(PSCmdlet cmdlet, ProgressRecord record, Stopwatch sinceProgress)
    {
        if (ReferenceEquals(record, _lastWritten)) return;
        cmdlet.WriteProgress(record);
        _lastWritten = record;
        sinceProgress.Restart();
    }

    private void Signal()
    {
        try { _signal.Release(); } catch (ObjectDisposedException) { } catch (SemaphoreFullException) { }
    }

    public void Dispose() => _signal.Dispose();
}
