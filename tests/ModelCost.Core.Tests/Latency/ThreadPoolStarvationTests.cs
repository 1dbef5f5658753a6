using ModelCost.Core.Latency;
using Xunit;

namespace ModelCost.Core.Tests.Latency;

/// <summary>Tests that take the whole thread pool run alone: nothing else in the process may need it meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolCollection
{
    public const string Name = "Thread pool";
}

/// <summary>
/// Long core work runs on a dedicated thread (PipelinePump's LongRunning task) while PowerShell, its
/// telemetry and ForEach-Object -Parallel runspaces may hold every thread-pool thread. Work that
/// needs a pool thread to finish (Parallel.For queues its helpers there, and a thread outside the
/// pool cannot run them inline) then waits for as long as the pool stays busy. Parallel work in the
/// core must run on its own threads (the engine's WorkerPool) instead.
/// </summary>
[Collection(ThreadPoolCollection.Name)]
public class ThreadPoolStarvationTests
{
    [Fact]
    public void DeviceFlopsMeasurementOnTwoThreadsFinishesWhileEveryPoolThreadIsBusy()
    {
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        int cap = Environment.ProcessorCount;
        int held = 4 * cap;
        using var release = new ManualResetEventSlim(false);
        using var drained = new CountdownEvent(held);
        double flops = 0;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try { flops = LatencyMeter.MeasureDeviceFlops(threads: 2); }
            catch (Exception e) { failure = e; }
        }) { IsBackground = true, Name = "starvation test: the caller outside the pool" };
        try
        {
            // Hold every pool thread there can be (the pool may not grow past the cap), and queue more behind them.
            Assert.True(ThreadPool.SetMinThreads(1, minIo));
            Assert.True(ThreadPool.SetMaxThreads(cap, maxIo));
            for (int i = 0; i < held; i++)
                ThreadPool.UnsafeQueueUserWorkItem(_ => { release.Wait(); drained.Signal(); }, null);
            worker.Start();
            bool finished = worker.Join(TimeSpan.FromSeconds(30));
            Assert.True(finished, "MeasureDeviceFlops(2) did not finish in 30 s while the thread pool was busy: it waits for a pool thread.");
            Assert.Null(failure);
            Assert.True(flops > 0);
        }
        finally
        {
            release.Set();
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            ThreadPool.SetMinThreads(minWorkers, minIo);
            worker.Join(TimeSpan.FromSeconds(60));
            drained.Wait(TimeSpan.FromSeconds(60));   // every held item has run before the events are disposed
        }
    }
}
