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

    /// <summary>The IDX files this was read from, for engines whose workers read the data themselves (PyTorch ranks); null when built in memory.</summary>
    public Data.DatasetInfo? Files { get; init; }

    private float[]? _trainX, _testX;

    /// <summary>
    /// TrainCount × prod(SampleShape) floats. When the split was given as <see cref="TrainPixels"/>
    /// this is expanded on first read only; the engine itself reads the bytes and never expands them.
    /// </summary>
    public float[] TrainX { get => _trainX ??= Expand(TrainPixels); init => _trainX = value; }
    public required int[] TrainY { get; init; }

    /// <summary>TestCount × prod(SampleShape) floats; empty when the dataset has no test split. Expanded like <see cref="TrainX"/>.</summary>
    public float[] TestX { get => _testX ??= Expand(TestPixels); init => _testX = value; }
    public required int[] TestY { get; init; }

    /// <summary>Optional compact form of the training samples: bytes whose value is byte / 255 (image datasets).</summary>
    public byte[]? TrainPixels { get; init; }

    /// <summary>Optional compact form of the test samples, as <see cref="TrainPixels"/>.</summary>
    public byte[]? TestPixels { get; init; }

    internal SampleStore TrainSamples => _trainX is null && TrainPixels is not null ? new(TrainPixels) : new(TrainX);
    internal SampleStore TestSamples => _testX is null && TestPixels is not null ? new(TestPixels) : new(TestX);

    private static float[] Expand(byte[]? pixels)
    {
        if (pixels is null) return [];
        var x = new float[pixels.Length];
        new SampleStore(pixels).CopyTo(0, x, 0, pixels.Length);
        return x;
    }

    public int TrainCount => TrainY.Length;
    public int TestCount => TestY.Length;
    public int SampleSize => SampleShape.Aggregate(1, (a, b) => checked(a * b));
}
