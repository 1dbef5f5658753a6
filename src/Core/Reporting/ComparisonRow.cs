namespace ModelCost.Core.Reporting;

/// <summary>
/// One model in a comparison: flat, typed figures (what Format-Table and Export-Csv want) and each
/// figure's ratio to the baseline model, named <c>&lt;Figure&gt;Ratio</c> (= this model's value / the baseline's).
/// A figure is null when no input carried it (a cost row has no accuracy; a training run has no FLOPs),
/// when it was not picked with <c>properties</c>, or when it was NaN. A ratio is null when either side
/// is null or the baseline's value is 0. Nulls (not NaN) so tables show blanks and CSV empty cells.
/// </summary>
public sealed class ComparisonRow
{
    private readonly FigureValue[] _values;
    private readonly double?[] _ratios;

    internal ComparisonRow(string model, string baseline, string? convention, string? dataset,
        FigureValue[] values, double?[] ratios, double? accuracyGainPts, double? accuracyGainPerExtraGFlop)
    {
        Model = model;
        Baseline = baseline;
        Convention = convention;
        Dataset = dataset;
        _values = values;
        _ratios = ratios;
        AccuracyGainPts = accuracyGainPts;
        AccuracyGainPerExtraGFlop = accuracyGainPerExtraGFlop;
    }

    public string Model { get; }
    /// <summary>Name of the baseline model the ratios refer to.</summary>
    public string Baseline { get; }
    public bool IsBaseline => string.Equals(Model, Baseline, StringComparison.Ordinal);
    /// <summary>Counting convention of the cost figures (null when only a training run was given).</summary>
    public string? Convention { get; }
    /// <summary>Dataset of the training run (null when only a cost row was given).</summary>
    public string? Dataset { get; }
    public long? Params => _values[0].Count;
    public long? TrainableParams => _values[1].Count;
    public long? SizeBytes => _values[2].Count;
    public double? SizeMB => _values[3].Real;
    public long? InferenceMacs => _values[4].Count;
    public long? InferenceFlops => _values[5].Count;
    public long? TrainingFlops => _values[6].Count;
    public long? TrainingMemoryBytes => _values[7].Count;
    public double? TrainingMemoryMB => _values[8].Real;
    public double? EstimatedLatencySeconds => _values[9].Real;
    public double? TestAccuracy => _values[10].Real;
    public double? TestLoss => _values[11].Real;
    public double? ValAccuracy => _values[12].Real;
    public double? TrainSeconds => _values[13].Real;
    public double? SamplesPerSecond => _values[14].Real;
    public long? ModelStateBytesPerDevice => _values[15].Count;
    public long? MemoryBytesPerDevice => _values[16].Count;
    public long? CommunicationBytesPerStep => _values[17].Count;
    public double? EstimatedStepSeconds => _values[18].Real;

    public double? ParamsRatio => _ratios[0];
    public double? TrainableParamsRatio => _ratios[1];
    public double? SizeBytesRatio => _ratios[2];
    public double? SizeMBRatio => _ratios[3];
    public double? InferenceMacsRatio => _ratios[4];
    public double? InferenceFlopsRatio => _ratios[5];
    public double? TrainingFlopsRatio => _ratios[6];
    public double? TrainingMemoryBytesRatio => _ratios[7];
    public double? TrainingMemoryMBRatio => _ratios[8];
    public double? EstimatedLatencySecondsRatio => _ratios[9];
    public double? TestAccuracyRatio => _ratios[10];
    public double? TestLossRatio => _ratios[11];
    public double? ValAccuracyRatio => _ratios[12];
    public double? TrainSecondsRatio => _ratios[13];
    public double? SamplesPerSecondRatio => _ratios[14];
    public double? ModelStateBytesPerDeviceRatio => _ratios[15];
    public double? MemoryBytesPerDeviceRatio => _ratios[16];
    public double? CommunicationBytesPerStepRatio => _ratios[17];
    public double? EstimatedStepSecondsRatio => _ratios[18];

    /// <summary>(TestAccuracy − baseline TestAccuracy) × 100: accuracy gained over the baseline in percentage points.</summary>
    public double? AccuracyGainPts { get; }

    /// <summary>
    /// AccuracyGainPts / ((InferenceFlops − baseline InferenceFlops) / 1e9): percentage points of test accuracy
    /// gained per extra GFLOP of inference per sample, against the baseline. Null for the baseline itself,
    /// when accuracy or FLOPs are missing on either side, or when both use the same FLOPs. Negative when the
    /// model is less accurate for more FLOPs (or more accurate for fewer FLOPs: then it wins on both).
    /// </summary>
    public double? AccuracyGainPerExtraGFlop { get; }

    /// <summary>
    /// A row rebuilt from its published properties (a copy from Import-Csv, ConvertFrom-Json, Import-Clixml or a job).
    /// <paramref name="read"/> returns the property's value as the type asked for (<c>long?</c> for counts,
    /// <c>double?</c> otherwise), null when it is empty.
    /// </summary>
    public static ComparisonRow Restore(string model, string baseline, string? convention, string? dataset, Func<string, Type, object?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var values = new FigureValue[ComparisonFigures.All.Length];
        var ratios = new double?[values.Length];
        foreach (var f in ComparisonFigures.All)
        {
            values[f.Index] = f.IsCount ? new FigureValue((long?)read(f.Name, typeof(long?)), null) : new FigureValue(null, (double?)read(f.Name, typeof(double?)));
            ratios[f.Index] = (double?)read(f.RatioName, typeof(double?));
        }
        return new ComparisonRow(model, baseline, convention, dataset, values, ratios,
            (double?)read(nameof(AccuracyGainPts), typeof(double?)), (double?)read(nameof(AccuracyGainPerExtraGFlop), typeof(double?)));
    }

    internal FigureValue Get(int figure) => _values[figure];
    internal double? GetRatio(int figure) => _ratios[figure];

    public override string ToString() => IsBaseline ? $"{Model} (baseline)" : $"{Model} vs {Baseline}";
}
