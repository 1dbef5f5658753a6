namespace ModelCost.PS.Infrastructure;

/// <summary>
/// An IProgress that calls its handler on the reporting thread. Progress&lt;T&gt; would post to a
/// SynchronizationContext or the thread pool and could reorder reports; the pump already makes the
/// hand-off to the pipeline thread, so the handler only queues.
/// </summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    public SynchronousProgress(Action<T> handler) => _handler = handler;

    public void Report(T value) => _handler(value);
}
