using System.Management.Automation;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What every ModelCost cmdlet shares: a cancellation token that Ctrl+C (StopProcessing) cancels,
/// and one way to turn the core's errors into ErrorRecords. Holds no ModelCost.Core state in
/// fields, so PowerShell can load the type before the module initializer has run.
/// </summary>
public abstract class ModelCostCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _stop.Token;

    protected override void StopProcessing()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Writes a non-terminating error for one bad item; the pipeline carries on with the next.</summary>
    protected void WriteCoreError(ModelCostException ex, object? target = null)
    {
        ThrowIfStopping();
        WriteError(ErrorRecordFactory.FromException(ex, target));
    }

    /// <summary>Stops the command: nothing useful can follow this error.</summary>
    protected internal void ThrowCoreError(ModelCostException ex, object? target = null)
    {
        ThrowIfStopping();
        ThrowTerminatingError(ErrorRecordFactory.FromException(ex, target));
    }

    /// <summary>A cancellation we caused ourselves is not an error: report it as a stopped pipeline.</summary>
    protected void ThrowIfStopping()
    {
        if (Stopping || _stop.IsCancellationRequested) throw new PipelineStoppedException();
    }

    /// <summary>
    /// Runs one unit of core work for one input item: a <see cref="ModelCostException"/> becomes a
    /// non-terminating error (the next item is still processed), cancellation stops the pipeline.
    /// Returns false when the item failed.
    /// </summary>
    protected bool TryCore(Action action, object? target = null)
    {
        try
        {
            action();
            return true;
        }
        catch (ModelCostException ex) when (ex.ErrorId == ErrorIds.OperationCancelled && (Stopping || _stop.IsCancellationRequested))
        {
            throw new PipelineStoppedException();
        }
        catch (ModelCostException ex)
        {
            WriteCoreError(ex, target);
            return false;
        }
        catch (OperationCanceledException) when (Stopping || _stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ResourceExhaustion.Handles(ex))
        {
            // Out of memory or a 32-bit overflow: this item fails with an id, the next one still runs.
            WriteCoreError(ResourceExhaustion.Translate(ex)!, target);
            return false;
        }
    }

    /// <summary>
    /// Runs long core work on a worker thread through a <see cref="PipelinePump"/> that writes its progress and
    /// verbose messages here; the bar of <paramref name="activityId"/> is closed when the work ends.
    /// </summary>
    private protected T RunWithProgress<T>(int activityId, string activity, Func<PipelinePump, CancellationToken, T> work)
    {
        using var pump = new PipelinePump();
        return pump.Run(this, CancellationToken, ct => work(pump, ct), new ProgressRecord(activityId, activity, "Done"));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
