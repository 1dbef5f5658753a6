using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// Issue 15 item 4: Ctrl+C during one heavy batch (Conv2D(256,3,same)×2 at batch 2048 took 54 s to return) is
/// now seen inside the conv layer's chunk loop. No timing is asserted: the evidence is where the run stopped
/// ("during batch 1 of 1", which the old per-batch check could never report) and that the weights returned
/// are those of the last whole step (here: the initial ones, as no step finished).
/// </summary>
public sealed class CancellationInsideLayerTests
{
    // 16×16×1 → Conv2D(128,3,same) → Conv2D(128,3,same): the second layer is 16·16·128·(3·3·128) = 37,748,736
    // MACs per sample, 19.3 G MACs for a forward pass of 512 samples and about twice that backward: seconds on
    // one thread, so a cancel 100 ms in always lands inside the one batch.
    private static readonly ModelSpec Heavy = new()
    {
        Name = "heavy", InputShape = [16, 16, 1],
        Layers =
        [
            L("Conv2D", filters: 128, kernel: [3], padding: "same", activation: "relu"),
            L("Conv2D", filters: 128, kernel: [3], padding: "same", activation: "relu"),
            L("GlobalAveragePooling2D"),
            L("Dense", units: 2, activation: "softmax"),
        ],
    };

    private static TrainingData Data() => new()
    {
        Name = "zeros", SampleShape = [16, 16, 1], Classes = 2,
        TrainX = new float[512 * 256], TrainY = new int[512], TestX = new float[256], TestY = new int[1],
    };

    private static readonly TrainingOptions Options = new() { Epochs = 1, BatchSize = 512, ValidationSplit = 0, Threads = 1 };

    [Fact]
    public void Cancel_during_a_heavy_batch_stops_inside_it_and_keeps_the_last_whole_step()
    {
        // On a loaded machine setting up the run (allocating ~70 MB activation buffers) can itself take longer
        // than the delay, and the cancel then lands "before batch 1". Such attempts return at once; retry with a
        // longer delay. The batch takes seconds, so one of these delays lands inside it unless the layers ignore
        // the token, in which case every attempt runs the batch to its end and reports something else.
        TrainingResult? partial = null;
        foreach (var delay in new[] { 100, 400, 1600 })
        {
            using var cts = new CancellationTokenSource();
            cts.CancelAfter(TimeSpan.FromMilliseconds(delay));
            partial = Trainer.Train(Heavy, Data(), Options, null, cts.Token);
            Assert.Equal(TrainingStatus.Cancelled, partial.Status);
            if (!partial.StatusMessage!.Contains("before batch 1 of 1", StringComparison.Ordinal)) break;
        }
        Assert.Contains("during batch 1 of 1", partial!.StatusMessage);
        Assert.Equal(ErrorIds.OperationCancelled, partial.ToException()!.ErrorId);

        // A run cancelled before its first batch holds the initial weights (same seed).
        using var before = new CancellationTokenSource();
        before.Cancel();
        var initial = Trainer.Train(Heavy, Data(), Options, null, before.Token);
        Assert.Equal(TrainingStatus.Cancelled, initial.Status);
        var a = partial.GetTrainedModel().Tensors;
        var b = initial.GetTrainedModel().Tensors;
        Assert.Equal(b.Select(t => t.Name), a.Select(t => t.Name));
        for (int i = 0; i < a.Count; i++) Assert.Equal(b[i].Data, a[i].Data);
    }
}
