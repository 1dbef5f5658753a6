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

    /// <summary>Largest per-sample buffer a layer allocates: its output, or attention's heads × Lq × Lk probabilities, or a block's hidden layer.</summary>
    private static long WidestBuffer(ResolvedLayer l)
    {
        long widest = l.OutputElements;
        if (l.Type is LayerTypes.MultiHeadAttention or LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder)
        {
            long lq = l.InputShape[0], lk = l.InputShapes.Length > 1 ? l.InputShapes[1][0] : lq;
            widest = Math.Max(widest, (long)l.NumHeads * lq * lk);
            widest = Math.Max(widest, lq * (long)Math.Max(l.IntermediateDim, l.NumHeads * Math.Max(l.KeyDim, l.ValueDim)));
        }
        return widest;
    }

    /// <summary>
    /// Every weight tensor must fit one .NET array and all weights (with gradients and optimiser state when
    /// training) the memory the process may use: a vocabulary × width table beyond that fails here, naming it.
    /// </summary>
    internal static void CheckWeightsFit(ResolvedModel model, bool training, long? availableBytes = null)
    {
        long available = availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long total = 0;
        ResolvedLayer? biggest = null;
        long biggestElements = 0;
        foreach (var l in model.Layers)
            foreach (var slot in WeightLayout.For(l))
            {
                long e = slot.Elements;
                total = total + e < 0 ? long.MaxValue : total + e;
                if (e > biggestElements) (biggest, biggestElements) = (l, e);
            }
        // float32 weights, plus previous weights, gradients and up to two optimiser slots while training.
        long copies = training ? 5 : 1;
        long bytes = total > long.MaxValue / (4 * copies) ? long.MaxValue : total * 4 * copies;
        bool tensorTooBig = biggestElements > Array.MaxLength, allTooBig = total > int.MaxValue || bytes > available;
        if (biggest is null || !(tensorTooBig || allTooBig)) return;
        var (option, value) = biggest.Type switch
        {
            LayerTypes.Embedding => ("input_dim", $"{biggest.InputDim} × output_dim {biggest.OutputDim}"),
            LayerTypes.PositionEmbedding => ("sequence_length", $"{biggest.SequenceLength}"),
            LayerTypes.Dense or LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU => ("units", $"{biggest.Units}"),
            _ => ("type", biggest.Type),
        };
        string why = tensorTooBig
            ? $"its largest weight tensor has {biggestElements:N0} values, more than one array holds ({Array.MaxLength:N0})"
            : $"the model's {total:N0} weights need {bytes / (1024.0 * 1024 * 1024):N1} GiB{(training ? " with gradients and optimiser state" : "")}, but {available / (1024.0 * 1024 * 1024):N1} GiB are available";
        throw new ModelCostException(ErrorIds.ModelTooLarge, ModelCostErrorCategory.LimitsExceeded,
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Layer {biggest.Index} '{biggest.Name}' ({biggest.Type}), option '{option}' = {value}: the training engine cannot hold this model: {why}. Costing it still works."), biggest.Name)
        { LayerIndex = biggest.Index, LayerName = biggest.Name, Option = option };
    }

    public static ModelCostException Option(string option, object? value, string message) =>
        new(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument, message, value) { Option = option };

    /// <summary>Builds a network, turning a batch too large for 32-bit buffer sizes into a clear option error.</summary>
    public static Network Build(ResolvedModel model, int batchSize, bool training, int threads, bool keepLogits = false)
    {
        CheckWeightsFit(model, training);
        long widest = Math.Max(ShapeInference.Elements(model.InputShape), model.Layers.Max(WidestBuffer));
        if ((long)batchSize * widest > int.MaxValue)
            throw Option("BatchSize", batchSize,
                $"BatchSize {batchSize} times the model's widest activation ({widest} values per sample) exceeds the {int.MaxValue} values one buffer can hold; use a smaller batch.");
        return new Network(model, batchSize, training, threads, keepLogits);
    }
}
