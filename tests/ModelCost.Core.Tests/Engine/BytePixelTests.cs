using ModelCost.Core.Engine;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

public class BytePixelTests
{
    // Image datasets are kept as bytes (TrainPixels/TestPixels) and scaled as the engine copies them into
    // a batch. The expectation comes from Keras' preprocessing, not from our code: a script does
    // x / 255.0 in float64 and the model casts to float32, so the network must see (float)(v / 255.0)
    // exactly — hence training on bytes must give the very same history as training on those floats.
    private static (byte[] Bytes, float[] Floats, int[] Labels) Synthetic(int count, int size, int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[count * size];
        rng.NextBytes(bytes);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            bytes[i * size + labels[i]] = 255; // a learnable signal
        }
        var floats = bytes.Select(v => (float)(v / 255.0)).ToArray();
        return (bytes, floats, labels);
    }

    [Fact]
    public void BytePixelsTrainExactlyLikeKerasScaledFloats()
    {
        var (trainB, trainF, trainY) = Synthetic(96, 16, 1);
        var (testB, testF, testY) = Synthetic(32, 16, 2);
        var spec = new ModelSpec
        {
            Name = "tiny", InputShape = [4, 4],
            Layers = [new() { Type = "Flatten" }, new() { Type = "Dense", Units = 8, Activation = "relu" }, new() { Type = "Dense", Units = 3, Activation = "softmax" }],
        };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, ValidationSplit = 0.25, Seed = 3, Threads = 1 };
        var fromBytes = Trainer.Train(spec, new TrainingData { Name = "b", SampleShape = [4, 4], Classes = 3, TrainPixels = trainB, TrainY = trainY, TestPixels = testB, TestY = testY }, options);
        var fromFloats = Trainer.Train(spec, new TrainingData { Name = "f", SampleShape = [4, 4], Classes = 3, TrainX = trainF, TrainY = trainY, TestX = testF, TestY = testY }, options);

        Assert.Equal(fromFloats.History.Select(h => (h.Loss, h.Accuracy, h.ValLoss, h.ValAccuracy)), fromBytes.History.Select(h => (h.Loss, h.Accuracy, h.ValLoss, h.ValAccuracy)));
        Assert.Equal(fromFloats.TestLoss, fromBytes.TestLoss);
        Assert.Equal(fromFloats.TestAccuracy, fromBytes.TestAccuracy);
    }

    [Fact]
    public void FloatViewOfBytePixelsIsByteOver255()
    {
        // byte 0 → 0, 255 → 1, 51 → 0.2 (51/255 = 0.2 exactly in decimal; float32 of 0.2).
        var data = new TrainingData { Name = "b", SampleShape = [3], Classes = 1, TrainPixels = [0, 255, 51], TrainY = [0], TestY = [] };
        Assert.Equal([0f, 1f, 0.2f], data.TrainX);
        Assert.Empty(data.TestX);
    }
}
