using System.Xml.Linq;
using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using Xunit;
using Xunit.Abstractions;
using static ModelCost.Core.Tests.Reporting.SeedFixtures;

namespace ModelCost.Core.Tests.Reporting;

public class HtmlReportTests(ITestOutputHelper output)
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string html) =>
        XDocument.Load(System.Xml.XmlReader.Create(new StringReader(html), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Parse }));

    internal static ReportData Seed000Report() =>
        ReportData.FromItems([MlpCost(), CnnCost(), MlpRun(), CnnRun(), .. CnnLayers()], "Seed 000: MLP vs CNN on Fashion-MNIST");

    [Fact]
    public void Report_is_well_formed_and_holds_every_section()
    {
        var html = HtmlReport.Render(Seed000Report());
        var doc = Parse(html);
        Assert.Equal(X + "html", doc.Root!.Name);
        Assert.Equal("Seed 000: MLP vs CNN on Fashion-MNIST", doc.Descendants(X + "title").Single().Value);

        // Comparison table: one body row per model, baseline first.
        var comparison = doc.Descendants(X + "table").Single(t => (string?)t.Attribute("class") == "comparison");
        var rows = comparison.Element(X + "tbody")!.Elements(X + "tr").ToArray();
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("MLP", rows[0].Element(X + "th")!.Value);
        Assert.Contains("235,146", rows[0].Value);
        // CNN params with its ratio 56,714 / 235,146 = 0.2412.
        Assert.Contains("56,714", rows[1].Value);
        Assert.Contains("0.2412×", rows[1].Value);

        // Conclusion text.
        Assert.Contains("CNN is more accurate than MLP (+1.56 pts", doc.Descendants(X + "p").Single(p => (string?)p.Attribute("class") == "summary").Value);

        // Per-layer table: the CNN's 7 layers and the FLOPs total 2·(97,344 + 557,568 + 51,200 + 640) = 1,413,504.
        var layers = doc.Descendants(X + "table").Single(t => (string?)t.Attribute("class") == "layers");
        Assert.Equal(7, layers.Element(X + "tbody")!.Elements(X + "tr").Count());
        Assert.Contains("1,413,504", layers.Element(X + "tfoot")!.Value);
        // conv2d_1's share: 1,115,136 / 1,413,504 = 78.9 %.
        Assert.Contains("78.9%", layers.Value);

        // Charts: cost chart + accuracy + training time + per-layer FLOPs, and two line charts.
        var svgs = doc.Descendants(Svg + "svg").ToArray();
        Assert.Equal(6, svgs.Length);
        // Loss curves: MLP train, MLP validation, CNN train, CNN validation; 5 epochs each.
        var curves = doc.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(8, curves.Length);
        Assert.All(curves, c => Assert.Equal(5, ((string)c.Attribute("points")!).Split(' ').Length));
        // Per-layer FLOPs chart: only layers with FLOPs (4 of 7).
        var layerChart = svgs.Single(s => s.Element(Svg + "title")!.Value.StartsWith("CNN: FLOPs per layer", StringComparison.Ordinal));
        Assert.Equal(4, layerChart.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar"));

        // Self-contained: no scripts, no external resources.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        foreach (var a in doc.Descendants(X + "a")) Assert.StartsWith("#", (string)a.Attribute("href")!);
    }

    [Fact]
    public void Hostile_model_names_are_escaped()
    {
        const string evil = "<script>alert('x')</script>&\"";
        var cost = new ModelCost.Core.Costing.ModelCost { Model = evil, Convention = "Flops", Params = 10, InferenceFlops = 20 };
        var layer = Layer(evil, 0, "<img src=x>", "Dense", "(None, 1)", 10, 10);
        var html = HtmlReport.Render(ReportData.FromItems([cost, MlpCost(), layer, Run(evil, 0.5, 1, (1, 0.5, 1, 0.5), (0.5, 0.6, 0.6, 0.6))], title: "a & <b>"));
        var doc = Parse(html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("a & <b>", doc.Descendants(X + "h1").Single().Value);
        Assert.Contains(doc.Descendants(X + "th"), th => th.Value.StartsWith(evil, StringComparison.Ordinal));
    }

    [Fact]
    public void Per_layer_rows_alone_make_a_report_and_nothing_is_an_error()
    {
        var doc = Parse(HtmlReport.Render(ReportData.FromItems(CnnLayers())));
        Assert.DoesNotContain(doc.Descendants(X + "table"), t => (string?)t.Attribute("class") == "comparison");
        Assert.Single(doc.Descendants(X + "table"), t => (string?)t.Attribute("class") == "layers");
        var ex = Assert.Throws<ModelCostException>(() => ReportData.FromItems([]));
        Assert.Equal(ErrorIds.NothingToCompare, ex.ErrorId);
    }

    [Fact]
    public void Save_writes_atomically_and_optionally_to_a_path_for_the_docs()
    {
        var dir = Directory.CreateTempSubdirectory("mc-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "report.html");
            HtmlReport.Save(Seed000Report(), path);
            Parse(File.ReadAllText(path));
            Assert.Equal(ErrorIds.FileExists, Assert.Throws<ModelCostException>(() => HtmlReport.Save(Seed000Report(), path, overwrite: false)).ErrorId);
        }
        finally { dir.Delete(recursive: true); }

        // tests/browser/check-report.sh and the docs images use this: MODELCOST_REPORT_OUT=<dir> writes report.html and chart.svg there.
        var outDir = Environment.GetEnvironmentVariable("MODELCOST_REPORT_OUT");
        if (string.IsNullOrEmpty(outDir)) { output.WriteLine("MODELCOST_REPORT_OUT not set: no docs artefacts written."); return; }
        Directory.CreateDirectory(outDir);
        var r = Seed000Report();
        HtmlReport.Save(new ReportData
        {
            Title = r.Title, Comparison = r.Comparison, LayerCosts = r.LayerCosts, TrainingRuns = r.TrainingRuns, Charts = r.Charts,
            Footer = "Generated by ModelCost.Core's HtmlReport from the test fixtures in tests/ModelCost.Core.Tests/Reporting/SeedFixtures.cs.",
        }, Path.Combine(outDir, "report.html"));
        SvgBarChart.Save(ChartData.FromItems([MlpCost(), CnnCost()], ["Params", "InferenceFlops", "TrainingMemoryMB"], "Seed 000: MLP vs CNN (FlopsWithBias)"), Path.Combine(outDir, "chart.svg"));
        output.WriteLine($"wrote {outDir}/report.html and chart.svg");
    }
}
