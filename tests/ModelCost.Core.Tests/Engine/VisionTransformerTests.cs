using System.Diagnostics;
using ModelCost.Core.Engine;
using ModelCost.Core.Tests.Specs;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// Issue 13: a small vision transformer (examples/specs/vit_fashion_mnist.yaml: patches → tokens → 2 encoder blocks →
/// pooled classifier) reaches test accuracy ≥ 0.85 on Fashion-MNIST within 5 epochs on the managed engine.
/// </summary>
[Trait("Category", "Long")]
public class VisionTransformerTests(ITestOutputHelper output)
{
    [FashionMnistFact]
    public void VitReachesEightyFivePercentInFiveEpochs()
    {
        var data = TestIdx.Fashion()!;
        var spec = ExampleSpecsTests.Load("vit_fashion_mnist.yaml");
        var sw = Stopwatch.StartNew();
        var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 5, BatchSize = 64, ValidationSplit = 0.1, Optimizer = TrainingOptimizer.Adam, Seed = 1 });
        foreach (var h in r.History) output.WriteLine(h.ToString());
        output.WriteLine($"{spec.Name}: test accuracy {r.TestAccuracy:F4}, loss {r.TestLoss:F4}, train {r.TrainSeconds:F1}s ({r.TrainSeconds / r.Epochs:F2} s/epoch, threads {r.Threads}), wall {sw.Elapsed.TotalSeconds:F1}s");
        Assert.Equal(TrainingStatus.Completed, r.Status);
        Assert.True(r.TestAccuracy >= 0.85, $"test accuracy {r.TestAccuracy:F4} < 0.85");
    }
}
