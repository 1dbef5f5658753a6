using System.Text;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Reporting;

/// <summary>
/// Side-by-side comparison of models: cost rows and training runs with the same model
/// name merge into one row, every figure gets its ratio to a baseline, and a conclusion names the most
/// accurate, smallest, cheapest and fastest model and what extra FLOPs buy in accuracy.
/// </summary>
public static class ModelComparison
{
    /// <summary>Every name accepted by <c>properties</c> (each also exists as a <c>&lt;Name&gt;Ratio</c> row property).</summary>
    public static IReadOnlyList<string> PropertyNames => ComparisonFigures.Names;

    /// <summary>
    /// Compares <paramref name="items"/>: <see cref="CostSummary"/>, <see cref="TrainingResult"/>, <see cref="ComparisonRow"/>
    /// (re-based on the new baseline) or a whole <see cref="ComparisonResult"/>; <see cref="ComparisonConclusion"/> objects
    /// and nulls are skipped so a previous comparison's output can be piped back in. Rows keep the order in which
    /// model names first appear. <paramref name="baseline"/> defaults to the first model; names match exactly,
    /// or ignoring case when that is unambiguous. <paramref name="properties"/> picks figures by name
    /// (case-insensitive, see <see cref="PropertyNames"/>); the others are null in every row.
    /// </summary>
    public static ComparisonResult Compare(IEnumerable<object?> items, string? baseline = null, IReadOnlyList<string>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var picked = ComparisonFigures.Resolve(properties);
        var entries = Collect(items);
        if (entries.Count == 0)
            throw new ModelCostException(ErrorIds.NothingToCompare, ModelCostErrorCategory.InvalidArgument,
                "Nothing to compare: give cost summaries, training results or rows of an earlier comparison.");

        var baseEntry = FindBaseline(entries, baseline);
        var selected = new bool[ComparisonFigures.All.Length];
        foreach (var f in picked) selected[f.Index] = true;

        var rows = new List<ComparisonRow>(entries.Count);
        foreach (var e in entries)
        {
            var values = new FigureValue[selected.Length];
            var ratios = new double?[selected.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (!selected[i]) continue;
                values[i] = e.Values[i];
                ratios[i] = Ratio(e.Values[i].AsDouble, baseEntry.Values[i].AsDouble);
            }
            var (gain, perGFlop) = ReferenceEquals(e, baseEntry) ? (null, null) : Gain(e.Values, baseEntry.Values);
            if (ReferenceEquals(e, baseEntry) && e.Values[ComparisonFigures.TestAccuracy].Real is not null) gain = 0;
            rows.Add(new ComparisonRow(e.Model, baseEntry.Model, e.Convention, e.Dataset, values, ratios, gain, perGFlop));
        }

        var conclusion = Conclude(entries, baseEntry);
        return new ComparisonResult(rows.AsReadOnly(), conclusion, Array.AsReadOnly(picked.Select(f => f.Name).ToArray()));
    }

    private sealed class Entry(string model)
    {
        public string Model { get; } = model;
        public FigureValue[] Values { get; set; } = new FigureValue[ComparisonFigures.All.Length];
        public CostSummary? Cost { get; set; }
        public TrainingResult? Training { get; set; }
        public bool FromRow { get; set; }
        public string? Convention { get; set; }
        public string? Dataset { get; set; }
    }

    private static List<Entry> Collect(IEnumerable<object?> items)
    {
        var list = new List<Entry>();
        var byName = new Dictionary<string, Entry>(StringComparer.Ordinal);
        Entry For(string model)
        {
            if (!byName.TryGetValue(model, out var e)) { e = new Entry(model); byName.Add(model, e); list.Add(e); }
            return e;
        }

        foreach (var raw in Flatten(items))
        {
            // A spec is costed as Measure-ModelCost would with its defaults (Flops convention, batch 1, Adam, Float32).
            var item = raw is Specs.ModelSpec spec ? Costing.CostCalculator.Measure(spec).Total : raw;
            switch (item)
            {
                case null:
                case ComparisonConclusion:
                    break;
                case CostSummary c:
                {
                    var e = For(ComparisonFigures.CostRowName(c));
                    if (e.Cost is not null || e.FromRow)
                        throw Duplicate(e.Model, e.Cost is null ? "an earlier comparison row" : $"convention {e.Cost.Convention}", $"convention {c.Convention}",
                            "compare costs measured under one convention");
                    e.Cost = c;
                    var v = ComparisonFigures.FromCost(c);
                    for (int i = 0; i < v.Length; i++) if (!v[i].IsAbsent) e.Values[i] = v[i];
                    e.Convention = c.Convention;
                    break;
                }
                case TrainingResult t:
                {
                    var e = For(t.Model ?? "");
                    if (e.Training is not null || e.FromRow)
                        throw Duplicate(e.Model, e.Training is null ? "an earlier comparison row" : $"seed {e.Training.Seed} on {e.Training.Dataset}", $"seed {t.Seed} on {t.Dataset}",
                            "compare one training run per model (give the runs different model names to compare them)");
                    e.Training = t;
                    ComparisonFigures.AddTraining(e.Values, t);
                    e.Dataset = t.Dataset;
                    break;
                }
                case ComparisonRow r:
                {
                    var e = For(r.Model);
                    if (e.Cost is not null || e.Training is not null || e.FromRow)
                        throw Duplicate(e.Model, "another input", "a comparison row", "pass either the comparison rows or the original objects");
                    e.FromRow = true;
                    for (int i = 0; i < e.Values.Length; i++) e.Values[i] = r.Get(i);
                    e.Convention = r.Convention;
                    e.Dataset = r.Dataset;
                    break;
                }
                default:
                    throw new ModelCostException(ErrorIds.UnsupportedComparisonInput, ModelCostErrorCategory.InvalidArgument,
                        $"Cannot compare an object of type '{item.GetType().FullName}': give model specs (ModelSpec, costed under the default Flops convention), cost summaries (CostSummary), training results (TrainingResult) or comparison rows (ComparisonRow).",
                        item);
            }
        }
        return list;
    }

    private static IEnumerable<object?> Flatten(IEnumerable<object?> items)
    {
        foreach (var item in items)
        {
            if (item is ComparisonResult res)
            {
                foreach (var r in res.Rows) yield return r;
            }
            else yield return item;
        }
    }

    private static ModelCostException Duplicate(string model, string first, string second, string advice) =>
        new(ErrorIds.DuplicateComparisonModel, ModelCostErrorCategory.InvalidArgument,
            $"Model '{model}' appears twice ({first} and {second}); {advice}.", model);

    private static Entry FindBaseline(List<Entry> entries, string? baseline)
    {
        if (baseline is null) return entries[0];
        var exact = entries.FirstOrDefault(e => string.Equals(e.Model, baseline, StringComparison.Ordinal));
        if (exact is not null) return exact;
        var loose = entries.Where(e => string.Equals(e.Model, baseline, StringComparison.OrdinalIgnoreCase)).ToList();
        if (loose.Count == 1) return loose[0];
        throw new ModelCostException(ErrorIds.UnknownBaseline, ModelCostErrorCategory.ObjectNotFound,
            $"No model named '{baseline}' to use as the baseline. Models: {string.Join(", ", entries.Select(e => "'" + e.Model + "'"))}.", baseline)
        { Option = "Baseline" };
    }

    private static double? Ratio(double? value, double? baseValue) =>
        value is { } v && baseValue is { } b && b != 0 ? v / b : null;

    /// <summary>Accuracy gain in points against a reference, and that gain per extra inference GFLOP.</summary>
    private static (double? Pts, double? PerGFlop) Gain(FigureValue[] model, FigureValue[] reference)
    {
        if (model[ComparisonFigures.TestAccuracy].Real is not { } a || reference[ComparisonFigures.TestAccuracy].Real is not { } b)
            return (null, null);
        var pts = (a - b) * 100;
        if (model[ComparisonFigures.InferenceFlops].Count is not { } fa || reference[ComparisonFigures.InferenceFlops].Count is not { } fb || fa == fb)
            return (pts, null);
        return (pts, pts / ((fa - (double)fb) / 1e9));
    }

    private static Entry? Pick(List<Entry> entries, int figure, bool highest)
    {
        Entry? best = null;
        double bestValue = 0;
        foreach (var e in entries)
        {
            if (e.Values[figure].AsDouble is not { } v) continue;
            if (best is null || (highest ? v > bestValue : v < bestValue)) { best = e; bestValue = v; }
        }
        return best;
    }

    private static ComparisonConclusion Conclude(List<Entry> entries, Entry baseEntry)
    {
        var accurate = Pick(entries, ComparisonFigures.TestAccuracy, highest: true);
        var smallest = Pick(entries, ComparisonFigures.Params, highest: false);
        var cheapest = Pick(entries, ComparisonFigures.InferenceFlops, highest: false);
        var fastest = Pick(entries, ComparisonFigures.TrainSeconds, highest: false);

        double? gainPts = null, extraGFlops = null, perGFlop = null;
        if (accurate is not null && cheapest is not null && !ReferenceEquals(accurate, cheapest))
        {
            (gainPts, perGFlop) = Gain(accurate.Values, cheapest.Values);
            if (gainPts is not null && perGFlop is not null)
                extraGFlops = (accurate.Values[ComparisonFigures.InferenceFlops].Count!.Value - (double)cheapest.Values[ComparisonFigures.InferenceFlops].Count!.Value) / 1e9;
        }

        var conventions = entries.Select(e => e.Convention).Where(c => !string.IsNullOrEmpty(c)).Distinct(StringComparer.Ordinal).ToList();

        var sb = new StringBuilder();
        if (entries.Count == 1)
            sb.Append($"Only one model ({entries[0].Model}): nothing to compare it with.");
        foreach (var e in entries)
        {
            if (ReferenceEquals(e, baseEntry)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Describe(e, baseEntry));
        }

        var picks = new List<string>();
        if (accurate is not null) picks.Add($"most accurate: {accurate.Model} ({NumberText.Fixed(accurate.Values[ComparisonFigures.TestAccuracy].Real!.Value, 4)})");
        if (smallest is not null) picks.Add($"smallest: {smallest.Model} ({NumberText.Figure(smallest.Values[ComparisonFigures.Params])} parameters)");
        if (cheapest is not null) picks.Add($"cheapest: {cheapest.Model} ({NumberText.Figure(cheapest.Values[ComparisonFigures.InferenceFlops])} inference FLOPs)");
        if (fastest is not null) picks.Add($"fastest to train: {fastest.Model} ({NumberText.Number(fastest.Values[ComparisonFigures.TrainSeconds].Real!.Value)} s)");
        if (entries.Count > 1 && picks.Count > 0)
            sb.Append(' ').Append(char.ToUpperInvariant(picks[0][0])).Append(picks[0][1..]).Append(picks.Count > 1 ? "; " + string.Join("; ", picks.Skip(1)) : "").Append('.');

        if (accurate is not null && cheapest is not null && entries.Count > 1)
        {
            if (ReferenceEquals(accurate, cheapest))
                sb.Append($" {accurate.Model} is both the most accurate and the cheapest: no trade-off.");
            else if (gainPts is { } g && extraGFlops is { } x && perGFlop is { } p)
                sb.Append($" Choosing {accurate.Model} over {cheapest.Model} buys {NumberText.Points(g)} pts of test accuracy for {NumberText.Number(x)} extra GFLOPs per sample ({NumberText.Number(p)} pts per extra GFLOP).");
        }
        if (conventions.Count > 1)
            sb.Append($" Note: the cost figures use different conventions ({string.Join(", ", conventions)}), so FLOPs ratios mix counting rules.");

        return new ComparisonConclusion
        {
            Baseline = baseEntry.Model,
            ModelCount = entries.Count,
            MostAccurate = accurate?.Model,
            MostAccurateTestAccuracy = accurate?.Values[ComparisonFigures.TestAccuracy].Real,
            Smallest = smallest?.Model,
            SmallestParams = smallest?.Values[ComparisonFigures.Params].Count,
            Cheapest = cheapest?.Model,
            CheapestInferenceFlops = cheapest?.Values[ComparisonFigures.InferenceFlops].Count,
            Fastest = fastest?.Model,
            FastestTrainSeconds = fastest?.Values[ComparisonFigures.TrainSeconds].Real,
            AccuracyGainPts = gainPts,
            ExtraGFlops = extraGFlops,
            AccuracyGainPerExtraGFlop = perGFlop,
            Conventions = conventions.Count == 0 ? null : string.Join(", ", conventions),
            Summary = sb.ToString().Trim(),
        };
    }

    /// <summary>One sentence: "CNN is more accurate than MLP (+1.56 pts: 0.8898 vs 0.8742) with 4.1× fewer parameters but 3.0× the inference FLOPs."</summary>
    private static string Describe(Entry e, Entry b) => DescribeValues(e.Model, e.Values, b.Model, b.Values);

    internal static string DescribeValues(string model, FigureValue[] v, string baseModel, FigureValue[] bv)
    {
        var phrases = new List<(string Text, bool? Good)>();
        AddCost(phrases, v[ComparisonFigures.Params].AsDouble, bv[ComparisonFigures.Params].AsDouble, "parameters", "the same number of parameters");
        AddCost(phrases, v[ComparisonFigures.InferenceFlops].AsDouble, bv[ComparisonFigures.InferenceFlops].AsDouble, "inference FLOPs", "the same inference FLOPs");
        AddCost(phrases, v[ComparisonFigures.TrainSeconds].AsDouble, bv[ComparisonFigures.TrainSeconds].AsDouble, "training time", "the same training time", fewerWord: "less");

        // Phrases that agree with the opening (more accurate and cheaper, or less accurate and dearer) come first,
        // then at most one "but" before those that contrast with it: never "… but … but …".
        string Join(IEnumerable<(string Text, bool? Good)> items) => string.Join(" and ", items.Select(p => p.Text));
        var sb = new StringBuilder();
        if (v[ComparisonFigures.TestAccuracy].Real is { } a && bv[ComparisonFigures.TestAccuracy].Real is { } ba)
        {
            var pts = (a - ba) * 100;
            var detail = $"{NumberText.Points(pts)} pts: {NumberText.Fixed(a, 4)} vs {NumberText.Fixed(ba, 4)}";
            bool? opening;
            if (Math.Abs(pts) < 0.005) { sb.Append($"{model} is as accurate as {baseModel} ({NumberText.Fixed(a, 4)})"); opening = null; }
            else if (pts > 0) { sb.Append($"{model} is more accurate than {baseModel} ({detail})"); opening = true; }
            else { sb.Append($"{model} is less accurate than {baseModel} ({detail})"); opening = false; }
            var agree = phrases.Where(p => opening is null || p.Good is null || p.Good == opening).ToList();
            var contrast = phrases.Where(p => opening is not null && p.Good is not null && p.Good != opening).ToList();
            if (agree.Count > 0) sb.Append(" with ").Append(Join(agree));
            if (contrast.Count > 0) sb.Append(agree.Count > 0 ? " but " : " but with ").Append(Join(contrast));
        }
        else if (phrases.Count > 0)
        {
            // No accuracy to open with: savings first, then what costs more.
            var good = phrases.Where(p => p.Good is not false).ToList();
            var bad = phrases.Where(p => p.Good is false).ToList();
            sb.Append($"Compared with {baseModel}, {model} has ");
            if (good.Count > 0) sb.Append(Join(good));
            if (bad.Count > 0) sb.Append(good.Count > 0 ? " but " : "").Append(Join(bad));
        }
        else
        {
            sb.Append($"{model} and {baseModel} have no figures in common to compare");
        }
        return sb.Append('.').ToString();
    }

    private static void AddCost(List<(string, bool?)> phrases, double? value, double? baseValue, string noun, string same, string fewerWord = "fewer")
    {
        if (value is not { } v || baseValue is not { } b || v <= 0 || b <= 0) return;
        var r = v / b;
        if (Math.Abs(r - 1) < 0.05)
        {
            // Close to equal: a factor would read "1.0×", so give the difference in percent ("0.2% more parameters").
            var pct = NumberText.Fixed(Math.Abs(r - 1) * 100, 1);
            if (pct == "0.0") phrases.Add((same, null));
            else phrases.Add(r < 1 ? ($"{pct}% {fewerWord} {noun}", true) : ($"{pct}% more {noun}", false));
        }
        else if (r < 1) phrases.Add(($"{NumberText.Factor(1 / r)}× {fewerWord} {noun}", true));
        else phrases.Add(($"{NumberText.Factor(r)}× the {noun}", false));
    }
}
