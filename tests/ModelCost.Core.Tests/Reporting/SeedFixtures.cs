using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Tests.Reporting;

/// <summary>
/// Seed 000's MLP and CNN as cost rows and training runs, with figures worked by hand (see each comment),
/// not taken from the costing code: the reporting tests check arithmetic on these inputs.
/// </summary>
internal static class SeedFixtures
{
    // MLP params: 784·256+256 = 200,960; 256·128+128 = 32,896; 128·10+10 = 1,290 → 235,146 (seed 000 table).
    // FlopsWithBias (seed 000's estimator): 2·784·256+256 = 401,664; 2·256·128+128 = 65,664; 2·128·10+10 = 2,570 → 469,898.
    // Training = 3 × 469,898 = 1,409,694; memory = 235,146 × 4 B × 4 (Adam) = 3,762,336 B = 3.588 MB.
    internal static CostSummary MlpCost() => new()
    {
        Model = "MLP", Convention = "FlopsWithBias", BatchSize = 1, Optimizer = OptimizerKind.Adam,
        Params = 235_146, TrainableParams = 235_146, SizeBytes = 940_584, SizeKB = 940_584 / 1024.0, SizeMB = 940_584 / 1048576.0,
        InferenceFlops = 469_898, InferenceMacs = 234_752, TrainingFlops = 1_409_694, TrainingFlopsMethod = TrainingFlopsMethod.ThreeTimesForward,
        TrainingMemoryBytes = 3_762_336, TrainingMemoryMB = 3_762_336 / 1048576.0,
    };

    // CNN params: conv 3·3·1·16+16 = 160; conv 3·3·16·32+32 = 4,640; dense 800·64+64 = 51,264; 64·10+10 = 650 → 56,714.
    // FlopsWithBias: conv1 out 26×26×16: 2·676·16·9 + 676·16 = 205,504; conv2 out 11×11×32: 2·121·32·144 + 121·32 = 1,119,008;
    // dense 2·800·64+64 = 102,464; 2·64·10+10 = 1,290 → 1,428,266 (seed 000 table). Training 3× = 4,284,798.
    internal static CostSummary CnnCost() => new()
    {
        Model = "CNN", Convention = "FlopsWithBias", BatchSize = 1, Optimizer = OptimizerKind.Adam,
        Params = 56_714, TrainableParams = 56_714, SizeBytes = 226_856, SizeKB = 226_856 / 1024.0, SizeMB = 226_856 / 1048576.0,
        InferenceFlops = 1_428_266, InferenceMacs = 706_816, TrainingFlops = 4_284_798, TrainingFlopsMethod = TrainingFlopsMethod.ThreeTimesForward,
        TrainingMemoryBytes = 907_424, TrainingMemoryMB = 907_424 / 1048576.0,
    };

    /// <summary>A training run with seed 000's reported test accuracy and its per-epoch log (val columns from the log).</summary>
    internal static TrainingResult Run(string model, double testAccuracy, double seconds, params (double Loss, double Acc, double ValLoss, double ValAcc)[] epochs)
    {
        var spec = new ModelSpec { Name = model, InputShape = [28, 28, 1], Layers = [] };
        return new TrainingResult(new TrainedModel(spec, []))
        {
            Model = model, Dataset = "FashionMNIST", Engine = "Managed", Epochs = epochs.Length, BatchSize = 64, Optimizer = TrainingOptimizer.Adam, LearningRate = 0.001, Seed = 1,
            TestAccuracy = testAccuracy, TestLoss = 0.35, ValLoss = epochs.Length > 0 ? epochs[^1].ValLoss : double.NaN, ValAccuracy = epochs.Length > 0 ? epochs[^1].ValAcc : double.NaN, TrainSeconds = seconds, SamplesPerSecond = seconds > 0 ? 54_000 * epochs.Length / seconds : 0,
            History = epochs.Select((e, i) => new TrainingEpoch { Epoch = i + 1, Loss = e.Loss, Accuracy = e.Acc, ValLoss = e.ValLoss, ValAccuracy = e.ValAcc, Seconds = seconds / epochs.Length }).ToArray(),
        };
    }

    // Seed 000: MLP test accuracy 0.8742, CNN 0.8898; epoch lines from the seed's MLP log (CNN's log is cut off after epoch 3,
    // its last two epochs here are made up for the curve).
    internal static TrainingResult MlpRun() => Run("MLP", 0.8742, 34,
        (0.4926, 0.8251, 0.3883, 0.8588), (0.3672, 0.8657, 0.3382, 0.8745), (0.3278, 0.8802, 0.3284, 0.8787), (0.3052, 0.8868, 0.3452, 0.8732), (0.2875, 0.8934, 0.3233, 0.8823));

    internal static TrainingResult CnnRun() => Run("CNN", 0.8898, 190,
        (0.5584, 0.8004, 0.4254, 0.8480), (0.3689, 0.8665, 0.3355, 0.8785), (0.3254, 0.8829, 0.3260, 0.8827), (0.3000, 0.8900, 0.3100, 0.8850), (0.2800, 0.8960, 0.3050, 0.8880));

    /// <summary>Seed 000's CNN per layer under Flops (2 per MAC, no bias): conv1 2·676·16·9 = 194,688, conv2 2·121·32·144 = 1,115,136, dense 102,400, out 1,280.</summary>
    internal static LayerCost[] CnnLayers() =>
    [
        Layer("CNN", 0, "conv2d", "Conv2D", "(None, 26, 26, 16)", 160, 97_344),
        Layer("CNN", 1, "max_pooling2d", "MaxPooling2D", "(None, 13, 13, 16)", 0, 0),
        Layer("CNN", 2, "conv2d_1", "Conv2D", "(None, 11, 11, 32)", 4_640, 557_568),
        Layer("CNN", 3, "max_pooling2d_1", "MaxPooling2D", "(None, 5, 5, 32)", 0, 0),
        Layer("CNN", 4, "flatten", "Flatten", "(None, 800)", 0, 0),
        Layer("CNN", 5, "dense", "Dense", "(None, 64)", 51_264, 51_200),
        Layer("CNN", 6, "dense_1", "Dense", "(None, 10)", 650, 640),
    ];

    internal static LayerCost Layer(string model, int index, string name, string type, string shape, long parameters, long macs) => new()
    {
        Model = model, Convention = "Flops", Index = index, Name = name, Type = type, OutputShape = shape,
        Params = parameters, Macs = macs, Flops = 2 * macs, BackwardFlops = 4 * macs, ActivationBytes = 4 * 100,
    };
}
