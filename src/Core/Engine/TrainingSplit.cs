using System.Globalization;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Engine;

/// <summary>
/// The split every engine makes of the training set (Keras' <c>fit(validation_split=…)</c>): the first
/// <see cref="TrainCount"/> samples train, the last <see cref="ValidationCount"/> validate, taken before any
/// shuffling. One place for the rule and its errors, so every engine refuses the same options the same way.
/// </summary>
internal readonly record struct TrainingSplit(int TrainCount, int ValidationCount)
{
    /// <summary>Splits <paramref name="total"/> samples; throws InvalidTrainingOption when either part would be empty
    /// or a batch is larger than the training part.</summary>
    public static TrainingSplit Of(int total, TrainingOptions options, string dataset)
    {
        int trainCount = options.ValidationSplit == 0 ? total : (int)Math.Floor(total * (1.0 - options.ValidationSplit));
        int valCount = total - trainCount;
        if (options.ValidationSplit > 0 && (trainCount == 0 || valCount == 0))
            throw EngineChecks.Option("ValidationSplit", options.ValidationSplit,
                Inv($"ValidationSplit {options.ValidationSplit} of {total} samples leaves {trainCount} for training and {valCount} for validation; both must be non-empty."));
        if (trainCount == 0)
            throw EngineChecks.Option("Dataset", dataset, $"Dataset '{dataset}' has no training samples.");
        if (options.BatchSize > trainCount)
            throw EngineChecks.Option("BatchSize", options.BatchSize,
                Inv($"BatchSize {options.BatchSize} is larger than the {trainCount} training samples (after a validation split of {options.ValidationSplit})."));
        return new TrainingSplit(trainCount, valCount);
    }

    /// <summary>Batches per epoch (the last one smaller).</summary>
    public int Batches(int batchSize) => (TrainCount + batchSize - 1) / batchSize;

    /// <summary>The sample order of the first epoch: 0 … TrainCount-1, reshuffled in place by <see cref="Shuffle"/>.</summary>
    public int[] NewOrder()
    {
        var order = new int[TrainCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return order;
    }

    /// <summary>Shuffles <paramref name="order"/> for <paramref name="epoch"/> (1-based) when the options ask for it:
    /// the same stream per seed and epoch in every engine, so their runs see the same batches.</summary>
    public static void Shuffle(int[] order, TrainingOptions options, int epoch)
    {
        if (options.Shuffle) DeterministicRandom.For(options.Seed, 2, (ulong)epoch).Shuffle(order);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
