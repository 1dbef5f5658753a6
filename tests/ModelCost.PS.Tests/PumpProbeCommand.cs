using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Tests;

/// <summary>
/// A cmdlet that drives <see cref="PipelinePump"/> the way the long-running commands do: posts progress and
/// verbose messages from a worker thread, throws, or blocks until the pipeline is stopped.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PumpProbe")]
public sealed class PumpProbeCommand : ModelCostCmdlet
{
    /// <summary>Set when a blocking run saw its cancellation token fire (read by the stop test).</summary>
    public static volatile bool SawCancellation;

    [Parameter] public int Count { get; set; } = 10;

    [Parameter] public string Mode { get; set; } = "Progress";

    protected override void ProcessRecord()
    {
        using var pump = new PipelinePump();
        var result = pump.Run(this, CancellationToken, ct =>
        {
            switch (Mode)
            {
                case "Throw":
                    throw new ModelCostException(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument, "probe failure", "probe") { Option = "Epochs" };
                case "Block":
                    pump.PostProgress(new ProgressRecord(9, "Probe", "waiting for Stop"), important: true);
                    ct.WaitHandle.WaitOne();
                    SawCancellation = ct.IsCancellationRequested;
                    return -1;
                default:
                    for (int i = 1; i <= Count; i++)
                    {
                        pump.PostProgress(new ProgressRecord(9, "Probe", $"step {i}") { PercentComplete = (int)(100L * i / Count) }, important: i == Count);
                        if (i % (Math.Max(1, Count / 50)) == 0) pump.PostVerbose($"verbose {i}");
                    }
                    return Count;
            }
        }, new ProgressRecord(9, "Probe", "Done"));
        WriteObject(result);
    }
}
