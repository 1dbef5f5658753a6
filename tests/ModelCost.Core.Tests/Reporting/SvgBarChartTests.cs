using System.Globalization;
using System.Xml.Linq;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using Xunit;
using static ModelCost.Core.Tests.Reporting.SeedFixtures;

namespace ModelCost.Core.Tests.Reporting;

public class SvgBarChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement[] Bars(XDocument doc) => doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToArray();
    private static double H(XElement bar) => double.Parse((string)bar.Attribute("height")!, CultureInfo.InvariantCulture);
    private static string[] Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();

    [Fact]
    public void One_property_draws_one_bar_per_model_on_a_nice_axis()
    {
        var svg = SvgBarChart.Render(ChartData.FromItems([MlpCost(), CnnCost()], ["InferenceFlops"]));
        var doc = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var bars = Bars(doc);
        Assert.Equal(2, bars.Length);
        Assert.Equal(["MLP", "CNN"], bars.Select(b => (string)b.Attribute("data-category")!));
        // Axis: 1,428,266 / 5 = 285,653 → nice step 500,000 → ticks 0 … 1,500,000; the plot is 300 px tall.
        // CNN bar = 1,428,266 / 1,500,000 × 300 = 285.65 px; MLP = 469,898 / 1,500,000 × 300 = 93.98 px.
        Assert.Equal(93.98, H(bars[0]), 2);
        Assert.Equal(285.65, H(bars[1]), 2);
        var texts = Texts(doc);
        Assert.Contains("469,898", texts);
        Assert.Contains("1,428,266", texts);
        Assert.Contains("1,500,000", texts);
        Assert.Contains("500,000", texts);
        Assert.Contains("Inference FLOPs by model", texts);
        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", svg);
    }

    [Fact]
    public void Several_properties_are_grouped_and_each_scaled_to_its_own_largest_value()
    {
        var data = ChartData.FromItems([MlpCost(), CnnCost()], ["Params", "InferenceFlops"], "Seed 000");
        var doc = XDocument.Parse(SvgBarChart.Render(data));
        var bars = Bars(doc);
        Assert.Equal(4, bars.Length);
        double Height(string series, string model) => H(bars.Single(b => (string)b.Attribute("data-series")! == series && (string)b.Attribute("data-category")! == model));
        // Params: the MLP's 235,146 is the largest → 300 px; CNN 300 × 56,714 / 235,146 = 72.36 px.
        Assert.Equal(300, Height("Parameters", "MLP"), 2);
        Assert.Equal(72.36, Height("Parameters", "CNN"), 2);
        // FLOPs: the CNN's 1,428,266 is the largest → 300 px; MLP 300 × 469,898 / 1,428,266 = 98.70 px.
        Assert.Equal(300, Height("Inference FLOPs", "CNN"), 2);
        Assert.Equal(98.70, Height("Inference FLOPs", "MLP"), 2);
        var texts = Texts(doc);
        Assert.Contains("235,146", texts);
        Assert.Contains("56,714", texts);
        Assert.Contains("Parameters", texts);      // legend
        Assert.Contains("Inference FLOPs", texts); // legend
        Assert.Contains("100%", texts);
        Assert.Equal("Seed 000", doc.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Text_is_escaped_and_control_characters_are_replaced()
    {
        const string hostile = "<b>&\"M'\u0001</b>";
        var data = new ChartData
        {
            Title = "T & <t>",
            Categories = [hostile, "plain"],
            Series = [new ChartSeries { Name = "S\"1\"", Values = [1234567, 2], IsCount = true }],
        };
        var svg = SvgBarChart.Render(data);
        var doc = XDocument.Parse(svg); // would throw on a raw < & or U+0001
        Assert.Contains("<b>&\"M'\uFFFD</b>", Texts(doc));
        Assert.Contains("T & <t>", Texts(doc));
        Assert.Contains("1,234,567", Texts(doc));
        Assert.DoesNotContain("<b>", svg);
    }

    [Fact]
    public void Missing_values_are_gaps_labelled_na()
    {
        var data = new ChartData { Title = "t", Categories = ["a", "b"], Series = [new ChartSeries { Name = "s", Values = [10, null] }] };
        var doc = XDocument.Parse(SvgBarChart.Render(data));
        Assert.Single(Bars(doc));
        Assert.Contains("n/a", Texts(doc));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Negative_or_non_finite_values_are_rejected(double bad)
    {
        var data = new ChartData { Title = "t", Categories = ["a"], Series = [new ChartSeries { Name = "s", Values = [bad] }] };
        var ex = Assert.Throws<ModelCostException>(() => SvgBarChart.Render(data));
        Assert.Equal(ErrorIds.InvalidChartData, ex.ErrorId);
    }

    [Fact]
    public void Mismatched_series_length_and_absent_properties_are_errors()
    {
        var data = new ChartData { Title = "t", Categories = ["a", "b"], Series = [new ChartSeries { Name = "s", Values = [1] }] };
        Assert.Equal(ErrorIds.InvalidChartData, Assert.Throws<ModelCostException>(() => SvgBarChart.Render(data)).ErrorId);
        var none = Assert.Throws<ModelCostException>(() => ChartData.FromItems([MlpCost()], ["TestAccuracy"]));
        Assert.Equal(ErrorIds.InvalidChartData, none.ErrorId);
        Assert.Contains("training results", none.Message); // the cmdlet adds which command gives them (ErrorRecommendations)
        Assert.Equal(ErrorIds.UnknownComparisonProperty, Assert.Throws<ModelCostException>(() => ChartData.FromItems([MlpCost()], ["Bogus"])).ErrorId);
    }

    [Fact]
    public void Default_property_is_inference_flops()
    {
        var data = ChartData.FromItems([MlpCost(), CnnCost()]);
        Assert.Equal("Inference FLOPs", Assert.Single(data.Series).Name);
        Assert.Equal([469_898.0, 1_428_266.0], data.Series[0].Values.Select(v => v!.Value));
    }

    [Fact]
    public void Save_writes_a_parseable_file_and_respects_overwrite()
    {
        var dir = Directory.CreateTempSubdirectory("mc-chart-");
        try
        {
            var path = Path.Combine(dir.FullName, "chart.svg");
            var data = ChartData.FromItems([MlpCost(), CnnCost()], ["Params"]);
            SvgBarChart.Save(data, path);
            Assert.Equal(2, Bars(XDocument.Load(path)).Length);
            var ex = Assert.Throws<ModelCostException>(() => SvgBarChart.Save(data, path, overwrite: false));
            Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temp file left behind
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("chart.png")]
    [InlineData("chart.PNG")]
    [InlineData("chart.jpg")]
    [InlineData("chart")]
    public void Only_svg_paths_are_written(string name)
    {
        var dir = Directory.CreateTempSubdirectory("mc-chart-");
        try
        {
            // Export-ModelCostChart checks the path with CheckExtension before it renders or writes anything.
            var ex = Assert.Throws<ModelCostException>(() => SvgBarChart.CheckExtension(Path.Combine(dir.FullName, name)));
            Assert.Equal(ErrorIds.UnsupportedChartFormat, ex.ErrorId);
            Assert.Contains(".svg", ex.Message);
            Assert.Empty(Directory.GetFiles(dir.FullName));
            SvgBarChart.CheckExtension(Path.Combine(dir.FullName, "ok.SVG"));
        }
        finally { dir.Delete(recursive: true); }
    }

    public static TheoryData<string[], string[], string?> Layouts => new()
    {
        // The case: two models, two properties; the caption (79 characters) is wider than the plot.
        { ["MLP", "CNN"], ["Params", "InferenceFlops"], null },
        { ["MLP", "CNN"], ["Params"], null },
        { ["MLP", "CNN"], ["Params", "InferenceFlops", "TrainingFlops", "TrainingMemoryBytes", "SizeBytes", "InferenceMacs"], null },
        { ["MLP", "CNN"], ["Params"], "A very long title that is much wider than a two-bar plot would ever be on its own" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_unrotated_text_lies_inside_the_image(string[] models, string[] properties, string? title)
    {
        // Text extents are estimated as the chart estimates them (0.6 em per character); anchors decide where a line starts.
        var items = models.Select(m => m == "MLP" ? (object)MlpCost() : CnnCost()).ToArray();
        var doc = XDocument.Parse(SvgBarChart.Render(ChartData.FromItems(items, properties, title)));
        double width = double.Parse((string)doc.Root!.Attribute("width")!, CultureInfo.InvariantCulture);
        foreach (var t in doc.Descendants(Svg + "text").Where(t => t.Attribute("transform") is null))
        {
            double x = double.Parse((string)t.Attribute("x")!, CultureInfo.InvariantCulture);
            double size = double.Parse((string)t.Attribute("font-size")!, CultureInfo.InvariantCulture);
            double w = t.Value.Length * size * 0.6;
            double left = (string?)t.Attribute("text-anchor") switch { "middle" => x - w / 2, "end" => x - w, _ => x };
            Assert.True(left >= 0 && left + w <= width, $"'{t.Value}' spans {left:F1}..{left + w:F1} in an image {width} wide");
        }
    }

    [Theory]
    // 1,428,266 / 5 = 285,653 → 5·10^5 steps.
    [InlineData(0, 1_428_266, new double[] { 0, 500_000, 1_000_000, 1_500_000 })]
    // 0.8898 / 5 = 0.178 → 0.2 steps.
    [InlineData(0, 0.8898, new double[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 })]
    // (0.49 − 0.28) / 5 = 0.042 → 0.05 steps from 0.25 to 0.5.
    [InlineData(0.2875, 0.4926, new double[] { 0.25, 0.3, 0.35, 0.4, 0.45, 0.5 })]
    public void Nice_ticks(double min, double max, double[] expected)
    {
        var ticks = NiceScale.Ticks(min, max);
        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < ticks.Length; i++) Assert.Equal(expected[i], ticks[i], 9);
    }

    [Theory]
    [InlineData(1234567.0, "1,234,567")]
    [InlineData(2.722, "2.722")]
    [InlineData(0.000958368, "0.0009584")]
    [InlineData(1627.7672, "1,628")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0, "0")]
    public void Numbers_use_invariant_separators(double value, string expected)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // would print 1.234.567 if the culture leaked in
            Assert.Equal(expected, NumberText.Number(value));
        }
        finally { CultureInfo.CurrentCulture = saved; }
    }
}
