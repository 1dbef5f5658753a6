using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>Validation shared by training, evaluation and inference.</summary>
internal static class EngineChecks
{
    public static int ResolveThreads(int threads, string option = "Threads")
    {
        if (threads < 0)
            throw Option(option, threads, $"{option} {threads} must be 0 (all cores) or a positive thread count.");
        return threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>Keras' reshape rule: a sample feeds the model when the element counts agree ((28, 28) ≡ (28, 28, 1)).</summary>
    public static void CheckData(ResolvedModel model, TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long modelIn = ShapeInference.Elements(model.InputShape);
        long sample = ShapeInference.Elements(data.SampleShape);
        if (modelIn != sample)
            throw new ModelCostException(ErrorIds.DatasetShapeMismatch, ModelCostErrorCategory.InvalidArgument,
                $"Model '{model.Name}' takes inputs of shape {ShapeText.FormatWithBatch(model.InputShape)} ({modelIn} values) but dataset '{data.Name}' has samples of shape {ShapeText.FormatWithBatch(data.SampleShape)} ({sample} values).", data.Name);
        Lengths(data, "train", data.TrainSamples.Length, data.TrainY, sample);
        Lengths(data, "test", data.TestSamples.Length, data.TestY, sample);
        if (data.Classes < 1)
            throw new ModelCostException(ErrorIds.DatasetShapeMismatch, ModelCostErrorCategory.InvalidData,
                $"Dataset '{data.Name}' declares {data.Classes} classes.", data.Name);
    }

    private static void Lengths(TrainingData data, string split, long xLength, int[] y, long sample)
    {
        if (xLength != (long)y.Length * sample)
            throw new ModelCostException(ErrorIds.DatasetShapeMismatch, ModelCostErrorCategory.InvalidData,
                $"Dataset '{data.Name}' {split} split has {xLength} values for {y.Length} labels of {sample} values each.", data.Name);
        for (int i = 0; i < y.Length; i++)
            if ((uint)y[i] >= (uint)data.Classes)
                throw new ModelCostException(ErrorIds.LabelOutOfRange, ModelCostErrorCategory.InvalidData,
                    $"Dataset '{data.Name}' {split} label {i} is {y[i]}, outside 0..{data.Classes - 1}.", data.Name);
    }

    public static ModelCostException Option(string option, object? value, string message) =>
        new(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument, message, value) { Option = option };

    /// <summary>Builds a network, turning a batch too large for 32-bit buffer sizes into a clear option error.</summary>
    public static Network Build(ResolvedModel model, int batchSize, bool training, int threads, bool keepLogits = false)
    {
        long widest = Math.Max(ShapeInference.Elements(model.InputShape), model.Layers.Max(l => l.OutputElements));
        if ((long)batchSize * widest > int.MaxValue)
            throw Option("BatchSize", batchSize,
                $"BatchSize {batchSize} times the model's widest activation ({widest} values per sample) exceeds the {int.MaxValue} values one buffer can hold; use a smaller batch.");
        return new Network(model, batchSize, training, threads, keepLogits);
    }
}
