using System.Diagnostics;
using ModelCost.Core.Engine;
using ModelCost.Core.Specs;
using Xunit;
using Xunit.Abstractions;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// The seeds' training runs (long: one run each). Thresholds come from issue 4: PyTorch 1.13 on
/// this machine reached 0.874–0.878 (MLP) and 0.879–0.885 (CNN) with the same set-up; Keras in
/// seed 000 printed 0.8742 / 0.8898. Skipped (with a message) when the datasets are absent.
/// </summary>
[Trait("Category", "Long")]
public class SeedAccuracyTests(ITestOutputHelper output)
{
    public static ModelSpec SeedMlp() => new()
    {
        Name = "MLP_FashionMNIST", InputShape = [28, 28],
        Layers = [L("Flatten"), L("Dense", units: 256, activation: "relu"), L("Dense", units: 128, activation: "relu"), L("Dense", units: 10, activation: "softmax")],
    };

    public static ModelSpec SeedCnn() => new()
    {
        Name = "CNN_FashionMNIST", InputShape = [28, 28, 1],
        Layers =
        [
            L("Conv2D", filters: 16, kernel: [3], activation: "relu"), L("MaxPooling2D", pool: [2]),
            L("Conv2D", filters: 32, kernel: [3], activation: "relu"), L("MaxPooling2D", pool: [2]),
            L("Flatten"), L("Dense", units: 64, activation: "relu"), L("Dense", units: 10, activation: "softmax"),
        ],
    };

    /// <summary>Seed 002 Model2: Conv 32@3 same relu, BN, pool, Conv 64@2 same relu, BN, pool, Flatten, Dense 32 relu, Dense 10 softmax.</summary>
    public static ModelSpec SeedModel2() => new()
    {
        Name = "Model2", InputShape = [28, 28, 1],
        Layers =
        [
            L("Conv2D", filters: 32, kernel: [3, 3], activation: "relu", padding: "same"), L("BatchNormalization"), L("MaxPooling2D", pool: [2, 2]),
            L("Conv2D", filters: 64, kernel: [2, 2], activation: "relu", padding: "same"), L("BatchNormalization"), L("MaxPooling2D", pool: [2, 2]),
            L("Flatten"), L("Dense", units: 32, activation: "relu"), L("Dense", units: 10, activation: "softmax"),
        ],
    };

    [SkippableFact]
    public void SeedMlpReachesIssueThreshold() => RunFashion(SeedMlp(), 0.87);

    [SkippableFact]
    public void SeedCnnReachesIssueThreshold() => RunFashion(SeedCnn(), 0.88);

    private void RunFashion(ModelSpec spec, double threshold)
    {
        var data = TestIdx.Fashion();
        Skip.If(data is null, $"Fashion-MNIST not found at {TestIdx.FashionDir}");
        var sw = Stopwatch.StartNew();
        var r = Trainer.Train(spec, data!, new TrainingOptions { Epochs = 5, BatchSize = 64, ValidationSplit = 0.1, Optimizer = TrainingOptimizer.Adam });
        foreach (var h in r.History) output.WriteLine(h.ToString());
        output.WriteLine($"{spec.Name}: test accuracy {r.TestAccuracy:F4}, loss {r.TestLoss:F4}, train {r.TrainSeconds:F1}s ({r.TrainSeconds / r.Epochs:F2} s/epoch, threads {r.Threads}), wall {sw.Elapsed.TotalSeconds:F1}s");
        Assert.Equal(TrainingStatus.Completed, r.Status);
        Assert.True(r.TestAccuracy >= threshold, $"test accuracy {r.TestAccuracy:F4} < {threshold}");
    }

    [SkippableFact]
    public void SeedModel2OnMnistTestSetHeldOut()
    {
        var imgs = Path.Combine(TestIdx.MnistDir, "t10k-images-idx3-ubyte.gz");
        Skip.IfNot(File.Exists(imgs), $"MNIST not found at {TestIdx.MnistDir}");
        var (x, y) = TestIdx.Read(imgs, Path.Combine(TestIdx.MnistDir, "t10k-labels-idx1-ubyte.gz"));
        // First 8,000 train, last 2,000 held out (as the test split).
        const int train = 8000, size = 784;
        var data = new TrainingData
        {
            Name = "MNIST-t10k", SampleShape = [28, 28, 1], Classes = 10,
            TrainX = x[..(train * size)], TrainY = y[..train], TestX = x[(train * size)..], TestY = y[train..],
        };
        var sw = Stopwatch.StartNew();
        // Pixels are in [0, 1] (the seed fed raw 0–255), so the first BatchNormalization sees variances
        // near 1e-3 while its moving variance starts at Keras' 1 and decays as 0.99^steps: after 1,250
        // steps (8,000/32 × 5) the start value weighs 0.99^1250 ≈ 3.5e-6, far below the batch variances,
        // so inference-mode statistics match training (after 375 steps it would still weigh 0.023).
        var r = Trainer.Train(SeedModel2(), data, new TrainingOptions { Epochs = 5, BatchSize = 32, ValidationSplit = 0, Loss = LossKind.CategoricalCrossentropy });
        foreach (var h in r.History) output.WriteLine(h.ToString());
        output.WriteLine($"Model2: held-out accuracy {r.TestAccuracy:F4}, {sw.Elapsed.TotalSeconds:F1}s");
        Assert.True(r.TestAccuracy >= 0.95, $"held-out accuracy {r.TestAccuracy:F4} < 0.95");
    }
}
