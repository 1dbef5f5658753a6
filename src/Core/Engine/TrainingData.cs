namespace ModelCost.Core.Engine;

/// <summary>
/// A labelled dataset in memory, ready for the engine: samples are float32, row-major, channels
/// last, pixels already scaled to [0, 1]; labels are class indices.
/// </summary>
public sealed class TrainingData
{
    public required string Name { get; init; }

    /// <summary>Shape of one sample without batch, e.g. (28, 28) or (28, 28, 1).</summary>
    public required int[] SampleShape { get; init; }

    public required int Classes { get; init; }

    /// <summary>TrainCount × prod(SampleShape) floats.</summary>
    public required float[] TrainX { get; init; }
    public required int[] TrainY { get; init; }

    /// <summary>TestCount × prod(SampleShape) floats; empty when the dataset has no test split.</summary>
    public required float[] TestX { get; init; }
    public required int[] TestY { get; init; }

    public int TrainCount => TrainY.Length;
    public int TestCount => TestY.Length;
    public int SampleSize => SampleShape.Aggregate(1, (a, b) => checked(a * b));
}
