using System.Management.Automation;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>PipelinePump inside a real pipeline: everything a worker posts arrives on the pipeline thread, in order.</summary>
public sealed class PipelinePumpTests
{
    [Fact]
    public void Verbose_lines_all_arrive_in_order_and_progress_is_coalesced_but_never_steps_back()
    {
        const int count = 20_000;
        var (output, ps) = PowerShellHost.Run("Invoke-PumpProbe -Count $args[0] -Verbose", count);
        using (ps)
        {
            Assert.Equal([count], output.Select(o => (int)o.BaseObject));
            // Every 400th step posts a verbose line: all 50 arrive, in order.
            var verbose = ps.Streams.Verbose.Select(v => v.Message).ToArray();
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"verbose {i * 400}"), verbose);
            var progress = ps.Streams.Progress.Where(p => p.ActivityId == 9).ToArray();
            // Twenty thousand reports posted: the pump writes the newest only (at most one per 100 ms), the last one
            // because it is marked important, then closes the bar.
            Assert.True(progress.Length < count, $"{progress.Length} records written for {count} posted");
            Assert.Equal($"step {count}", progress[^2].StatusDescription);
            Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
            var percents = progress[..^1].Select(p => p.PercentComplete).ToArray();
            Assert.Equal(percents.Order(), percents);
        }
    }

    [Fact]
    public void An_error_in_the_work_reaches_the_pipeline_with_its_id()
    {
        // The probe does not catch it, so it surfaces as the cmdlet's exception: the same object, rethrown on the pipeline thread.
        var error = PowerShellHost.SingleError("Invoke-PumpProbe -Mode Throw -ErrorAction Stop");
        var ex = Assert.IsType<ModelCost.Core.Errors.ModelCostException>(error.Exception);
        Assert.Equal("InvalidTrainingOption", ex.ErrorId);
        Assert.Equal("probe failure", ex.Message);
        Assert.Contains("PumpProbeCommand", ex.StackTrace); // thrown inside the work, stack kept
    }

    [Fact]
    public void Stopping_the_pipeline_cancels_the_work_and_leaves_the_runspace_usable()
    {
        PumpProbeCommand.SawCancellation = false;
        using var ps = PowerShellHost.Create();
        ps.AddScript("Invoke-PumpProbe -Mode Block");
        var async = ps.BeginInvoke();
        // Wait for the worker to report that it is blocked (a hang guard, not a speed claim).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (ps.Streams.Progress.Count == 0 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.NotEmpty(ps.Streams.Progress);
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.True(PumpProbeCommand.SawCancellation, "the worker's token was cancelled");
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));

        ps.Commands.Clear();
        ps.AddScript("(New-ModelSpec -Name After -InputShape 4 -Layer 'Dense(3)' | Measure-ModelCost).Params");
        // Dense(3) on 4 inputs: 4*3 + 3 = 15.
        Assert.Equal([15L], ps.Invoke().Select(o => (long)o.BaseObject));
    }
}
