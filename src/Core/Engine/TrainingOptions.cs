using ModelCost.Core.Engines;

namespace ModelCost.Core.Engine;

/// <summary>
/// Hyper-parameters of a training run, Keras defaults; engine-neutral (every engine reads the same).
/// Optimizer: <see cref="TrainingOptimizer"/> (Momentum is SGD with momentum, default 0.9).
/// Loss: <see cref="LossKind"/>.
/// </summary>
public sealed class TrainingOptions : EngineRunOptions
{
    public int Epochs { get; set; } = 5;
    public int BatchSize { get; set; } = 64;

    /// <summary>Fraction of the training set held out for validation: the LAST fraction, taken before shuffling (Keras). 0 = none.</summary>
    public double ValidationSplit { get; set; } = 0.1;

    public TrainingOptimizer Optimizer { get; set; } = TrainingOptimizer.Adam;

    /// <summary>Null = the optimizer's Keras default (Adam/AdamW/RMSprop/Adagrad 1e-3, SGD/Momentum 1e-2).</summary>
    public double? LearningRate { get; set; }

    /// <summary>SGD momentum (Keras default 0); for the Momentum optimizer 0 means its default 0.9.</summary>
    public double Momentum { get; set; }

    /// <summary>AdamW weight decay (Keras default 0.004).</summary>
    public double WeightDecay { get; set; } = 0.004;

    public LossKind Loss { get; set; } = LossKind.SparseCategoricalCrossentropy;

    /// <summary>
    /// True when the last layer outputs logits (linear activation); the loss then applies softmax
    /// (or sigmoid for binary cross-entropy) itself. With a softmax/sigmoid last layer leave it false.
    /// </summary>
    public bool FromLogits { get; set; }

    /// <summary>Seeds weights, shuffles and dropout masks. Default 0, so runs repeat unless a seed is chosen.</summary>
    public int Seed { get; set; }

    public bool Shuffle { get; set; } = true;

    /// <summary>Minimum time between progress reports (the last batch of an epoch is always reported); zero = every batch.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Evaluate the test split after training (TestLoss/TestAccuracy; NaN when skipped or absent).</summary>
    public bool EvaluateTest { get; set; } = true;
}
