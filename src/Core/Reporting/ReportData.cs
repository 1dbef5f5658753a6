using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using LayerCostRow = ModelCost.Core.Costing.LayerCost;

namespace ModelCost.Core.Reporting;

/// <summary>Everything one HTML report shows. Build it with <see cref="FromItems"/> or by hand.</summary>
public sealed class ReportData
{
    public string Title { get; init; } = "ModelCost report";
    /// <summary>The comparison table and conclusion; null when only per-layer rows were given.</summary>
    public ComparisonResult? Comparison { get; init; }
    /// <summary>Per-layer cost rows (Measure-ModelCost -PerLayer), shown as one table per model.</summary>
    public IReadOnlyList<LayerCostRow> LayerCosts { get; init; } = [];
    /// <summary>Training runs whose History is drawn as loss and accuracy curves.</summary>
    public IReadOnlyList<TrainingResult> TrainingRuns { get; init; } = [];
    /// <summary>Bar charts shown in the Charts section.</summary>
    public IReadOnlyList<ChartData> Charts { get; init; } = [];
    /// <summary>Optional footer line (e.g. when and how it was generated); the page holds no timestamp otherwise, so it is reproducible.</summary>
    public string? Footer { get; init; }

    /// <summary>
    /// Figures shown as columns of the comparison table (those no model has are dropped). Null: the figures picked
    /// for the comparison when it picked some, else <see cref="DefaultTableProperties"/>.
    /// </summary>
    public IReadOnlyList<string>? TableProperties { get; init; }

    /// <summary>The comparison table's columns when none are named: the seeds' tables (size, compute, memory, accuracy, time).</summary>
    public static IReadOnlyList<string> DefaultTableProperties { get; } =
        ["Params", "SizeMB", "InferenceFlops", "TrainingFlops", "TrainingMemoryMB", "TestAccuracy", "TrainSeconds"];

    /// <summary>Figures drawn in the default cost chart, when present.</summary>
    public static IReadOnlyList<string> DefaultChartProperties { get; } = ["Params", "InferenceFlops", "TrainingFlops", "TrainingMemoryMB"];

    /// <summary>
    /// Sorts pipeline input into a report: ModelCost, TrainingResult and ComparisonRow objects are compared
    /// (<paramref name="baseline"/>, see <see cref="ModelComparison.Compare"/>); LayerCost rows become per-layer
    /// tables and a per-layer FLOPs chart per model; TrainingResult histories become curves. Charts: with
    /// <paramref name="chartProperties"/>, one grouped chart of those; otherwise a cost chart of the
    /// <see cref="DefaultChartProperties"/> present, plus test accuracy and training time charts when known.
    /// <paramref name="footer"/> replaces the default footer line.
    /// </summary>
    public static ReportData FromItems(IEnumerable<object?> items, string? title = null, string? baseline = null,
        IReadOnlyList<string>? chartProperties = null, string? footer = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var compared = new List<object?>();
        var layers = new List<LayerCostRow>();
        var runs = new List<TrainingResult>();
        foreach (var item in items)
        {
            switch (item)
            {
                case null:
                    break;
                case LayerCostRow l:
                    layers.Add(l);
                    break;
                case TrainingResult t:
                    runs.Add(t);
                    compared.Add(t);
                    break;
                default:
                    compared.Add(item);
                    break;
            }
        }
        var hasComparable = compared.Any(o => o is not ComparisonConclusion);
        if (!hasComparable && layers.Count == 0)
            throw new ModelCostException(ErrorIds.NothingToCompare, ModelCostErrorCategory.InvalidArgument,
                "Nothing to report: give cost summaries, per-layer costs, training results or comparison rows.");

        ComparisonResult? comparison = hasComparable ? ModelComparison.Compare(compared, baseline) : null;
        var charts = new List<ChartData>();
        if (comparison is not null)
        {
            if (chartProperties is { Count: > 0 })
                charts.Add(ChartData.FromComparison(comparison, chartProperties));
            else
            {
                var present = comparison.PresentProperties;
                var cost = DefaultChartProperties.Where(present.Contains).ToArray();
                if (cost.Length > 0) charts.Add(ChartData.FromComparison(comparison, cost, "Cost by model"));
                if (present.Contains("TestAccuracy")) charts.Add(ChartData.FromComparison(comparison, ["TestAccuracy"], "Test accuracy by model"));
                if (present.Contains("TrainSeconds")) charts.Add(ChartData.FromComparison(comparison, ["TrainSeconds"], "Training time by model (s)"));
            }
        }
        foreach (var group in layers.GroupBy(l => l.Model))
        {
            var withFlops = group.Where(l => l.Flops > 0).ToArray();
            if (withFlops.Length == 0) continue;
            charts.Add(new ChartData
            {
                Title = $"{group.Key}: FLOPs per layer ({withFlops[0].Convention})",
                Categories = withFlops.Select(l => l.Name).ToArray(),
                Series = [new ChartSeries { Name = "FLOPs", Values = withFlops.Select(l => (double?)l.Flops).ToArray(), IsCount = true }],
            });
        }

        return new ReportData
        {
            Title = string.IsNullOrWhiteSpace(title) ? "ModelCost report" : title,
            Comparison = comparison,
            LayerCosts = layers,
            TrainingRuns = runs,
            Charts = charts,
            Footer = footer,
        };
    }
}
