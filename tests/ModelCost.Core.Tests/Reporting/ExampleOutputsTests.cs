using System.Globalization;
using System.Text;
using ModelCost.Core.Costing;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Reporting;
using ModelCost.Core.Specs;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Reporting;

/// <summary>
/// The core calls behind examples/seed*.ps1, checked against figures worked by hand and, with
/// MODELCOST_EXAMPLES_OUT=&lt;file&gt;, written out as the expected output shown in examples/README.md
/// (pwsh is not available where the scripts were written). MODELCOST_EXAMPLES_TRAIN=1 also trains seed 000's
/// MLP and CNN (5 epochs, Fashion-MNIST) and MODELCOST_REPORT_OUT=&lt;dir&gt; writes the docs chart and report from them.
/// </summary>
public class ExampleOutputsTests(ITestOutputHelper output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static ModelSpec Spec(string file) => ModelSpecReader.Load(Path.Combine(AppContext.BaseDirectory, "specs", file));

    private static CostReport Cost(ModelSpec spec, string convention, TrainingFlopsMethod method = TrainingFlopsMethod.Exact) =>
        CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Resolve(convention), TrainingFlopsMethod = method });

    private static double SeedMemoryMB(ModelCost.Core.Costing.CostSummary c) =>
        Math.Round((c.WeightBytes + c.GradientBytes + c.OptimizerStateBytes) / 1048576.0, 3);

    [Fact]
    public void Seed000_costs_match_the_seed_table()
    {
        var mlp = Cost(Spec("seed000_mlp.yaml"), "FlopsWithBias", TrainingFlopsMethod.ThreeTimesForward).Total;
        var cnn = Cost(Spec("seed000_cnn.yaml"), "FlopsWithBias", TrainingFlopsMethod.ThreeTimesForward).Total;
        // Worked in SeedFixtures: 469,898 and 1,428,266 FLOPs; ×3 for training; params × 16 bytes for Adam training memory.
        Assert.Equal(469_898, mlp.InferenceFlops);
        Assert.Equal(1_428_266, cnn.InferenceFlops);
        Assert.Equal(1_409_694, mlp.TrainingFlops);
        Assert.Equal(4_284_798, cnn.TrainingFlops);
        Assert.Equal(3.588, SeedMemoryMB(mlp));   // 235,146 × 16 / 2^20 = 3.5881
        Assert.Equal(0.865, SeedMemoryMB(cnn));   // 56,714 × 16 / 2^20 = 0.8654
        var cmp = ModelComparison.Compare([mlp, cnn]);
        Assert.Equal(0.2412, cmp.Rows[1].ParamsRatio!.Value, 4);
        Assert.Equal(mlp.Model, cmp.Conclusion.Cheapest);
        Assert.Equal(cnn.Model, cmp.Conclusion.Smallest);
    }

    [Fact]
    public void Seed003_course_figures()
    {
        // Q1 under the Course rules, first layer included: 2·784·512 + 512 + 512 (ReLU) = 803,840; 2·512·256 + 256 + 256 = 262,656;
        // 2·256·128 + 128 + 128 = 65,792; 2·128·1 + 1 + 1 (sigmoid) = 258 → 1,132,546 (the seed's loop skips the first: 328,706).
        Assert.Equal(1_132_546, Cost(Spec("seed003_q1_dnn.yaml"), "Course").Total.InferenceFlops);
        // Q2: same hidden layers, output 2·128·10 + 10 + 6·10 (softmax) = 2,630 → 1,134,918 (the seed's figure).
        Assert.Equal(1_134_918, Cost(Spec("seed003_q2_dnn.yaml"), "Course").Total.InferenceFlops);
        // Q3 under TensorFlow's profiler: conv 2·26·26·32·9 + 21,632 bias; pool 4·5,408; conv 2·11·11·64·288 + 7,744; pool 4·1,600;
        // dense 2·1,600·64 + 64; 2·64·10 + 10; softmax 5·10 → 5,113,532 (the seed's figure).
        Assert.Equal(5_113_532, Cost(Spec("seed003_q3_cnn2d.yaml"), "TfProfiler").Total.InferenceFlops);
        // Q6 (Course), 5 time steps: 5 × (2·3·(4+3) + 3 bias + 3 ReLU) = 240, Dense 2·3·2 + 2 + 2 sigmoid = 16 → 256 (seed: 59, one step).
        Assert.Equal(256, Cost(Spec("seed003_q6_rnn.yaml"), "Course").Total.InferenceFlops);
        // Q7 (Course), one step: 2·4·3·(4+3) = 168 + 12 bias + 9 sigmoid (i, f, o) + 6 tanh + 12 element-wise = 207.
        Assert.Equal(207, Cost(Spec("seed003_q7_lstm.yaml"), "Course").Total.InferenceFlops);
    }

    [Fact]
    public void Seed004_flops_with_input_channels()
    {
        // See examples/seed004_clothing_classifiers.ps1: the seed uses output channels for three convolutions.
        Assert.Equal(27_767_808, Cost(Spec("seed004_classifier.yaml"), "Flops").Total.InferenceFlops);
        Assert.Equal(27_767_808, Cost(Spec("seed004_baseline_classifier.yaml"), "Flops").Total.InferenceFlops);
        Assert.Equal(138_293_248, Cost(Spec("seed004_deeper_classifier.yaml"), "Flops").Total.InferenceFlops);
    }

    [Fact]
    public void Write_the_examples_readme_output()
    {
        var outFile = Environment.GetEnvironmentVariable("MODELCOST_EXAMPLES_OUT");
        if (string.IsNullOrEmpty(outFile)) { output.WriteLine("MODELCOST_EXAMPLES_OUT not set: nothing written."); return; }
        var md = new StringBuilder();
        var train = Environment.GetEnvironmentVariable("MODELCOST_EXAMPLES_TRAIN") == "1";
        Seed000(md, train);
        Seed002(md);
        Seed003(md);
        Seed004(md);
        File.WriteAllText(outFile, md.ToString());
        output.WriteLine($"wrote {outFile}");
    }

    private static void Block(StringBuilder md, string title, string text) =>
        md.Append("#### ").AppendLine(title).AppendLine().AppendLine("```text").Append(text.TrimEnd()).AppendLine().AppendLine("```").AppendLine();

    private void Seed000(StringBuilder md, bool train)
    {
        md.AppendLine("### seed000_fashion_mlp_vs_cnn.ps1").AppendLine();
        var specs = new[] { Spec("seed000_mlp.yaml"), Spec("seed000_cnn.yaml") };
        foreach (var s in specs)
            Block(md, $"Get-ModelSummary {s.Name}", TextTable.Format(["Index", "Name", "Type", "OutputShape", "Params", "TrainableParams", "NonTrainableParams"],
                ModelSummary.Build(s).Select(l => new object?[] { l.Index, l.Name, l.Type, l.OutputShape, l.Params, l.TrainableParams, l.NonTrainableParams })));
        var costs = specs.Select(s => Cost(s, "FlopsWithBias", TrainingFlopsMethod.ThreeTimesForward).Total).ToArray();
        var tf = specs.Select(s => Cost(s, "TfProfiler").Total).ToArray();
        Block(md, "Costs (FlopsWithBias, training 3× forward)", TextTable.Format(["Model", "Convention", "Params", "SizeMB", "InferenceFlops", "TrainingFlops", "TrainingMemoryMB"],
            costs.Select(c => new object?[] { c.Model, c.Convention, c.Params, c.SizeMB, c.InferenceFlops, c.TrainingFlops, c.TrainingMemoryMB })));
        Block(md, "Seed 001 (TfProfiler)", TextTable.Format(["Model", "Convention", "MFLOPs", "InferenceFlops"],
            tf.Select(c => new object?[] { c.Model, c.Convention, Math.Round(c.InferenceFlops / 1e6, 2), c.InferenceFlops })));

        var runs = new List<TrainingResult>();
        var saved = new Dictionary<string, double>();
        if (train)
        {
            var info = DatasetCatalog.Resolve("FashionMNIST", options: new DatasetResolveOptions { AllowDownload = false });
            var data = DatasetLoader.Load(info);
            foreach (var s in specs)
            {
                var run = Trainer.Train(s, data, new TrainingOptions { Epochs = 5, BatchSize = 64, ValidationSplit = 0.1, Optimizer = TrainingOptimizer.Adam, Seed = 1 });
                runs.Add(run);
                Block(md, $"History of {s.Name}", TextTable.Format(["Epoch", "Loss", "Accuracy", "ValLoss", "ValAccuracy", "Seconds"],
                    run.History.Select(e => new object?[] { e.Epoch, Math.Round(e.Loss, 4), Math.Round(e.Accuracy, 4), Math.Round(e.ValLoss, 4), Math.Round(e.ValAccuracy, 4), Math.Round(e.Seconds, 1) })));
                output.WriteLine(run.ToString());
            }
        }
        Block(md, "RESULTS TABLE (seed 000's columns)", TextTable.Format(["Model", "Test Accuracy", "Trainable Parameters", "FLOPs (Training)", "FLOPs (Inference)", "Training Memory (MB)"],
            costs.Select(c => new object?[] { c.Model, runs.FirstOrDefault(r => r.Model == c.Model) is { } r ? Math.Round(r.TestAccuracy, 4) : null, c.TrainableParams, c.TrainingFlops, c.InferenceFlops, SeedMemoryMB(c) })));
        var cmp = ModelComparison.Compare([.. costs, .. runs], specs[0].Name, ["Params", "InferenceFlops", "TrainingFlops", "TestAccuracy"]);
        Block(md, "Compare-ModelCost", TextTable.Format(["Model", "Params", "ParamsRatio", "InferenceFlops", "InferenceFlopsRatio", "TestAccuracy", "AccuracyGainPerExtraGFlop"],
            cmp.Rows.Select(r => new object?[] { r.Model, r.Params, r.ParamsRatio, r.InferenceFlops, r.InferenceFlopsRatio, r.TestAccuracy, r.AccuracyGainPerExtraGFlop }))
            + "\n==================== CONCLUSION ====================\n"
            + $"- Higher accuracy: {cmp.Conclusion.MostAccurate}\n- Fewer parameters: {cmp.Conclusion.Smallest}\n- {cmp.Conclusion.Summary}\n");

        var reportDir = Environment.GetEnvironmentVariable("MODELCOST_REPORT_OUT");
        if (!string.IsNullOrEmpty(reportDir))
        {
            Directory.CreateDirectory(reportDir);
            var perLayer = specs.SelectMany(s => Cost(s, "FlopsWithBias").Layers).ToArray();
            var chart = ChartData.FromItems(costs, ["Params", "InferenceFlops", "TrainingFlops"], "Seed 000: MLP vs CNN (FlopsWithBias)");
            SvgBarChart.Save(chart, Path.Combine(reportDir, "seed000_chart.svg"));
            var items = new List<object?>([.. costs, .. runs, .. perLayer]);
            HtmlReport.Save(ReportData.FromItems(items, "Seeds 000/001: MLP vs CNN on Fashion-MNIST", specs[0].Name, footer:
                "Generated by ModelCost.Core (HtmlReport) from tests/ModelCost.Core.Tests/Reporting/ExampleOutputsTests.cs: costs under FlopsWithBias, "
                + "training on Fashion-MNIST with the managed engine (5 epochs, batch 64, Adam, seed 1)."), Path.Combine(reportDir, "seed000_report.html"));
        }
    }

    private static void Seed002(StringBuilder md)
    {
        md.AppendLine("### seed002_mnist_three_cnns.ps1 (with -SkipTraining)").AppendLine();
        var specs = new[] { "seed002_model1.yaml", "seed002_model2.yaml", "seed002_model3.yaml" }.Select(Spec).ToArray();
        var lines = new StringBuilder();
        foreach (var s in specs)
        {
            var rows = ModelSummary.Build(s);
            long total = rows.Sum(r => r.Params), trainable = rows.Sum(r => r.TrainableParams);
            lines.AppendLine(string.Create(Inv, $"{s.Name}: {total:N0} params, {trainable:N0} trainable, {total - trainable:N0} non-trainable (BatchNormalization moving mean and variance)"));
        }
        Block(md, "Parameters", lines.ToString());
        var costs = specs.Select(s => Cost(s, "Flops").Total).ToArray();
        Block(md, "Comparison table (the seed's columns; accuracy and time come from training)", TextTable.Format(["Model", "Params", "Inference FLOPs", "Seed accuracy", "Seed time"],
            costs.Select((c, i) => new object?[] { c.Model, c.TrainableParams, c.InferenceFlops, new[] { 0.976, 0.987, 0.990 }[i], new[] { "2m 42s (5 epochs)", "7m 22s (10 epochs)", "26m 10s (10 epochs)" }[i] })));
        var cmp = ModelComparison.Compare(costs, "Model2", ["Params", "InferenceFlops", "TestAccuracy", "TrainSeconds"]);
        Block(md, "Compare-ModelCost -Baseline Model2", TextTable.Format(["Model", "Params", "ParamsRatio", "InferenceFlops", "InferenceFlopsRatio"],
            cmp.Rows.Select(r => new object?[] { r.Model, r.Params, r.ParamsRatio, r.InferenceFlops, r.InferenceFlopsRatio })) + "Conclusion: " + cmp.Conclusion.Summary + "\n");
    }

    private static void Seed003(StringBuilder md)
    {
        md.AppendLine("### seed003_course_questions.ps1").AppendLine();
        var qs = new (string Q, string File, string Conv, long SeedParams, long? SeedFlops)[]
        {
            ("Q1", "seed003_q1_dnn.yaml", "Course", 566273, 328706), ("Q2", "seed003_q2_dnn.yaml", "Course", 567434, 1134918),
            ("Q3", "seed003_q3_cnn2d.yaml", "TfProfiler", 121930, 5113532), ("Q4", "seed003_q4_cnn.yaml", "TfProfiler", 356810, 10751228),
            ("Q5", "seed003_q5_conv3d.yaml", "TfProfiler", 3268293, 566448606), ("Q6", "seed003_q6_rnn.yaml", "Course", 32, 59),
            ("Q7", "seed003_q7_lstm.yaml", "Course", 96, null),
        };
        var rows = new List<object?[]>();
        var q12 = new List<ModelCost.Core.Costing.CostSummary>();
        foreach (var q in qs)
        {
            var c = Cost(Spec(q.File), q.Conv).Total;
            if (q.Q is "Q1" or "Q2") q12.Add(c);
            rows.Add([q.Q, c.Model, q.Conv, c.Params, q.SeedParams, Math.Round(c.SizeKB, 3), Math.Round(c.SizeMB, 2), c.InferenceFlops, q.SeedFlops, c.EstimatedLatencySeconds]);
        }
        Block(md, "Summary of Q1–Q7", TextTable.Format(["Question", "Model", "Convention", "Params", "Seed params", "SizeKB", "SizeMB", "Flops", "Seed FLOPs", "Inference (s)"], rows));
        var cmp = ModelComparison.Compare(q12, properties: ["Params", "SizeBytes", "InferenceFlops", "EstimatedLatencySeconds"]);
        Block(md, "Q1 vs Q2 (Compare-ModelCost; the bar graph is docs/images/seed003_q1_q2.svg)", TextTable.Format(["Model", "Params", "ParamsRatio", "SizeBytes", "InferenceFlops", "InferenceFlopsRatio", "EstimatedLatencySeconds"],
            cmp.Rows.Select(r => new object?[] { r.Model, r.Params, r.ParamsRatio, r.SizeBytes, r.InferenceFlops, r.InferenceFlopsRatio, r.EstimatedLatencySeconds })) + "Q1 vs Q2: " + cmp.Conclusion.Summary + "\n");
        var reportDir = Environment.GetEnvironmentVariable("MODELCOST_REPORT_OUT");
        if (!string.IsNullOrEmpty(reportDir))
            SvgBarChart.Save(ChartData.FromComparison(cmp, ["Params", "SizeBytes", "InferenceFlops"], "Seed 003: Q1 vs Q2 (Course convention)"), Path.Combine(reportDir, "seed003_q1_q2.svg"));
    }

    private static void Seed004(StringBuilder md)
    {
        md.AppendLine("### seed004_clothing_classifiers.ps1 (without -Train)").AppendLine();
        var specs = new[] { "seed004_baseline_classifier.yaml", "seed004_classifier.yaml", "seed004_deeper_classifier.yaml" }.Select(Spec).ToArray();
        var reports = specs.Select(s => Cost(s, "Flops")).ToArray();
        foreach (var r in reports)
        {
            var t = r.Total;
            Block(md, $"{t.Model}: FLOPs report", TextTable.Format(["Name", "Type", "OutputShape", "Params", "Macs", "Flops"],
                r.Layers.Where(l => l.Flops > 0).Select(l => new object?[] { l.Name, l.Type, l.OutputShape, l.Params, l.Macs, l.Flops }))
                + string.Create(Inv, $"This model performs {t.InferenceFlops:N0} FLOPs (~{t.InferenceFlops / 1e6:N0} MFLOPs), {t.InferenceMacs:N0} MACs (~{t.InferenceMacs / 1e6:N0} Mega-MACs) for convolution and fully-connected layers only. {t.Params:N0} params ({t.TrainableParams:N0} trainable).\n"));
        }
        var costs = reports.Select(r => r.Total).ToArray();
        var cmp = ModelComparison.Compare(costs, "Classifier", ["Params", "InferenceMacs", "InferenceFlops", "TestAccuracy"]);
        var classifier = costs[1];
        var deeper = costs[2];
        double ratio = (double)deeper.InferenceFlops / classifier.InferenceFlops, gain = 100 * (0.9315 - 0.925), extra = (deeper.InferenceFlops - classifier.InferenceFlops) / 1e9;
        var share = new List<object?[]>();
        foreach (var r in reports)
        {
            long conv = r.Layers.Where(l => l.Type.StartsWith("Conv", StringComparison.Ordinal)).Sum(l => l.Flops), all = r.Layers.Sum(l => l.Flops);
            share.Add([r.Total.Model, conv, all - conv, Math.Round(100.0 * conv / all, 1)]);
        }
        Block(md, "Conclusion", TextTable.Format(["Model", "Params", "InferenceFlops", "InferenceFlopsRatio", "TestAccuracy", "AccuracyGainPerExtraGFlop"],
                cmp.Rows.Select(r => new object?[] { r.Model, r.Params, r.InferenceFlops, r.InferenceFlopsRatio, r.TestAccuracy, r.AccuracyGainPerExtraGFlop }))
            + string.Create(Inv, $"DeeperClassifier performs {ratio:N2}× the FLOPs of Classifier for +{gain:N2} pts of test accuracy (seed: 93.15 % vs 92.5 %), i.e. {gain / extra:N2} pts per extra GFLOP per image.\n\n")
            + TextTable.Format(["Model", "Conv FLOPs", "Dense FLOPs", "Conv share (%)"], share));
        var reportDir = Environment.GetEnvironmentVariable("MODELCOST_REPORT_OUT");
        if (!string.IsNullOrEmpty(reportDir))
            HtmlReport.Save(ReportData.FromItems([.. costs, .. reports.SelectMany(r => r.Layers)], "Seed 004: clothing classifiers (Flops convention)", "Classifier"), Path.Combine(reportDir, "seed004_report.html"));
    }
}
