using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Reporting;

/// <summary>
/// The figures a comparison (and a chart) can show, in display order: one table, so the row's
/// properties, the ratio names, the chart labels and the "valid names" error text never disagree.
/// </summary>
internal static class ComparisonFigures
{
    internal const int Params = 0, TrainableParams = 1, SizeBytes = 2, SizeMB = 3, InferenceMacs = 4,
        InferenceFlops = 5, TrainingFlops = 6, TrainingMemoryBytes = 7, TrainingMemoryMB = 8,
        EstimatedLatencySeconds = 9, TestAccuracy = 10, TestLoss = 11, ValAccuracy = 12,
        TrainSeconds = 13, SamplesPerSecond = 14, ModelStateBytesPerDevice = 15, MemoryBytesPerDevice = 16,
        CommunicationBytesPerStep = 17, EstimatedStepSeconds = 18;

    internal static readonly FigureInfo[] All =
    [
        new(Params, "Params", "Parameters", IsCount: true, HigherIsBetter: false),
        new(TrainableParams, "TrainableParams", "Trainable parameters", true, false),
        new(SizeBytes, "SizeBytes", "Size (bytes)", true, false),
        new(SizeMB, "SizeMB", "Size (MB)", false, false),
        new(InferenceMacs, "InferenceMacs", "Inference MACs", true, false),
        new(InferenceFlops, "InferenceFlops", "Inference FLOPs", true, false),
        new(TrainingFlops, "TrainingFlops", "Training FLOPs", true, false),
        new(TrainingMemoryBytes, "TrainingMemoryBytes", "Training memory (bytes)", true, false),
        new(TrainingMemoryMB, "TrainingMemoryMB", "Training memory (MB)", false, false),
        new(EstimatedLatencySeconds, "EstimatedLatencySeconds", "Estimated latency (s)", false, false),
        new(TestAccuracy, "TestAccuracy", "Test accuracy", false, true),
        new(TestLoss, "TestLoss", "Test loss", false, false),
        new(ValAccuracy, "ValAccuracy", "Validation accuracy", false, true),
        new(TrainSeconds, "TrainSeconds", "Training time (s)", false, false),
        new(SamplesPerSecond, "SamplesPerSecond", "Samples per second", false, true),
        new(ModelStateBytesPerDevice, "ModelStateBytesPerDevice", "Model state per device (bytes)", true, false),
        new(MemoryBytesPerDevice, "MemoryBytesPerDevice", "Memory per device (bytes)", true, false),
        new(CommunicationBytesPerStep, "CommunicationBytesPerStep", "Communication per step (bytes)", true, false),
        new(EstimatedStepSeconds, "EstimatedStepSeconds", "Estimated step time (s)", false, false),
    ];

    internal static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(All.Select(f => f.Name).ToArray());

    /// <summary>Resolves user-typed names (case-insensitive) to figures; null or empty means all, in catalogue order.</summary>
    internal static FigureInfo[] Resolve(IReadOnlyList<string>? properties)
    {
        if (properties is null || properties.Count == 0) return All;
        var picked = new List<FigureInfo>();
        foreach (var raw in properties)
        {
            var name = raw?.Trim() ?? "";
            // "ParamsRatio" names the same figure as "Params": accept it, the ratio comes with the figure anyway.
            var bare = name.EndsWith("Ratio", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
            var f = All.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? All.FirstOrDefault(x => string.Equals(x.Name, bare, StringComparison.OrdinalIgnoreCase));
            if (f is null)
                throw new ModelCostException(ErrorIds.UnknownComparisonProperty, ModelCostErrorCategory.InvalidArgument,
                    $"'{raw}' is not a property that can be compared. Valid names: {string.Join(", ", Names)}.", raw)
                { Option = "Property" };
            if (!picked.Contains(f)) picked.Add(f);
        }
        return picked.ToArray();
    }

    /// <summary>
    /// The name a cost row goes by in a comparison: the model's, with the strategy and device count appended for a
    /// data-parallel row ("ResNet50 ZeRO3 ×64"), so a sweep over devices and strategies compares and charts as
    /// one row each. One device under DDP (the default) keeps the plain name, so it still merges with training runs.
    /// </summary>
    internal static string CostRowName(CostSummary c) =>
        c.Devices > 1 || c.Parallelism != Parallelism.DDP ? $"{c.Model} {c.Parallelism} ×{c.Devices.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : c.Model ?? "";

    internal static FigureValue[] FromCost(CostSummary c)
    {
        var v = new FigureValue[All.Length];
        v[Params] = FigureValue.Of(c.Params);
        v[TrainableParams] = FigureValue.Of(c.TrainableParams);
        v[SizeBytes] = FigureValue.Of(c.SizeBytes);
        v[SizeMB] = FigureValue.Of(c.SizeMB);
        v[InferenceMacs] = FigureValue.Of(c.InferenceMacs);
        v[InferenceFlops] = FigureValue.Of(c.InferenceFlops);
        v[TrainingFlops] = FigureValue.Of(c.TrainingFlops);
        v[TrainingMemoryBytes] = FigureValue.Of(c.TrainingMemoryBytes);
        v[TrainingMemoryMB] = FigureValue.Of(c.TrainingMemoryMB);
        v[EstimatedLatencySeconds] = c.DeviceFlops > 0 ? FigureValue.Of(c.EstimatedLatencySeconds) : default;
        v[ModelStateBytesPerDevice] = FigureValue.Of(c.ModelStateBytesPerDevice);
        v[MemoryBytesPerDevice] = FigureValue.Of(c.MemoryBytesPerDevice);
        v[CommunicationBytesPerStep] = FigureValue.Of(c.CommunicationBytesPerStep);
        v[EstimatedStepSeconds] = c.DeviceFlops > 0 && c.LinkBandwidth > 0 ? FigureValue.Of(c.EstimatedStepSeconds) : default;
        return v;
    }

    /// <summary>Adds a training run's figures; a cost row's Params wins over the run's (the run's is only a fallback).</summary>
    internal static void AddTraining(FigureValue[] v, TrainingResult t)
    {
        if (v[Params].IsAbsent && t.Params > 0) v[Params] = FigureValue.Of(t.Params);
        v[TestAccuracy] = FigureValue.Of(t.TestAccuracy);
        v[TestLoss] = FigureValue.Of(t.TestLoss);
        v[ValAccuracy] = FigureValue.Of(t.ValAccuracy);
        v[TrainSeconds] = t.TrainSeconds > 0 ? FigureValue.Of(t.TrainSeconds) : default;
        v[SamplesPerSecond] = t.SamplesPerSecond > 0 ? FigureValue.Of(t.SamplesPerSecond) : default;
    }
}

/// <summary>One comparison figure: its property name, display label and which direction is better.</summary>
internal sealed record FigureInfo(int Index, string Name, string Label, bool IsCount, bool HigherIsBetter)
{
    internal string RatioName => Name + "Ratio";
}

/// <summary>A figure's value: exact for counts (long), double otherwise; absent when the source lacks it or it is NaN.</summary>
internal readonly record struct FigureValue(long? Count, double? Real)
{
    internal static FigureValue Of(long v) => new(v, null);
    internal static FigureValue Of(double v) => double.IsFinite(v) ? new(null, v) : default;
    internal bool IsAbsent => Count is null && Real is null;
    internal double? AsDouble => Count is { } c ? c : Real;
}
