using System.Xml;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Reporting;
using Xunit;
using static ModelCost.Core.Tests.Reporting.SeedFixtures;

namespace ModelCost.Core.Tests.Reporting;

public class ReportingPropertyTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument ParseHtml(string html) =>
        XDocument.Load(XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse }));

    [Fact]
    public void Any_model_name_gives_well_formed_svg_and_html_that_keep_the_name()
    {
        // Arbitrary strings include <, &, quotes, control characters and lone surrogates: the output must still parse,
        // and every XML-legal character of the name must come back unchanged.
        Prop.ForAll<NonNull<string>, NonNull<string>>((a, b) =>
        {
            var nameA = "A" + a.Get;   // prefixes keep the two names distinct and non-empty
            var nameB = "B" + b.Get;
            var costA = new ModelCost.Core.Costing.CostSummary { Model = nameA, Convention = "Flops", Params = 10, InferenceFlops = 100 };
            var costB = new ModelCost.Core.Costing.CostSummary { Model = nameB, Convention = "Flops", Params = 20, InferenceFlops = 50 };
            var svg = XDocument.Parse(SvgBarChart.Render(ChartData.FromItems([costA, costB], ["Params", "InferenceFlops"], nameA)));
            var html = ParseHtml(HtmlReport.Render(ReportData.FromItems([costA, costB, Layer(nameA, 0, nameB, "Dense", "(None, 1)", 10, 50)], nameB)));
            // Only names without replaced characters can be compared; XML parsers turn \r\n and \r into \n.
            var expectedA = MarkupText.Escape(nameA) == nameA ? nameA.Replace("\r\n", "\n").Replace('\r', '\n') : null;
            return svg.Root!.Element(Svg + "title")!.Value.Length > 0
                && html.Root is not null
                && (expectedA is null || svg.Descendants(Svg + "text").Any(t => t.Value == expectedA));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("a\rb")]
    [InlineData("<&>\"'")]
    [InlineData("\uD800 lone surrogate")]
    [InlineData("\u0000\u0008\u000B\uFFFE")]
    public void Awkward_names_parse(string name)
    {
        var cost = new ModelCost.Core.Costing.CostSummary { Model = name, Convention = "Flops", Params = 10, InferenceFlops = 100 };
        XDocument.Parse(SvgBarChart.Render(ChartData.FromItems([cost])));
        ParseHtml(HtmlReport.Render(ReportData.FromItems([cost], name)));
    }

    [Fact]
    public void Ratios_are_value_over_baseline_for_any_positive_counts()
    {
        Prop.ForAll<PositiveInt, PositiveInt>((p, q) =>
        {
            var a = new ModelCost.Core.Costing.CostSummary { Model = "a", Convention = "Flops", Params = p.Get };
            var b = new ModelCost.Core.Costing.CostSummary { Model = "b", Convention = "Flops", Params = q.Get };
            var r = ModelComparison.Compare([a, b]);
            return r.Rows[1].ParamsRatio == (double)q.Get / p.Get && r.Rows[0].ParamsRatio == 1.0
                && r.Conclusion.Smallest == (q.Get < p.Get ? "b" : "a");
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_zero_baseline_gives_a_null_ratio_not_infinity()
    {
        var zero = new ModelCost.Core.Costing.CostSummary { Model = "pool-only", Convention = "Flops", Params = 0, InferenceFlops = 0 };
        var r = ModelComparison.Compare([zero, MlpCost()]);
        Assert.Null(r.Rows[1].ParamsRatio);
        Assert.Null(r.Rows[1].InferenceFlopsRatio);
        Assert.Equal(235_146L, r.Rows[1].Params);
    }

    [Fact]
    public void Line_chart_leaves_a_gap_at_nan_and_marks_each_point()
    {
        var data = new LineChartData
        {
            Title = "t", YLabel = "loss",
            Series = [new LineSeries { Name = "run", X = [1, 2, 3, 4, 5], Y = [0.5, 0.4, double.NaN, 0.3, 0.25] }],
        };
        var doc = XDocument.Parse(SvgLineChart.Render(data));
        var lines = doc.Descendants(Svg + "polyline").ToArray();
        // Points 1–2 before the gap and 4–5 after it: two segments of two points each.
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(2, ((string)l.Attribute("points")!).Split(' ').Length));
        Assert.Equal(4, doc.Descendants(Svg + "circle").Count());
        // y range 0.25–0.5 → ticks at 0.05 steps: 0.25, 0.3, …, 0.5 (not from 0, so the curve keeps its shape).
        var ticks = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value).ToArray();
        Assert.Contains("0.25", ticks);
        Assert.Contains("0.5", ticks);
        Assert.DoesNotContain("0.2", ticks);
    }
}
