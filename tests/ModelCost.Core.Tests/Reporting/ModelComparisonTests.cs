using ModelCost.Core.Errors;
using ModelCost.Core.Reporting;
using Xunit;
using static ModelCost.Core.Tests.Reporting.SeedFixtures;

namespace ModelCost.Core.Tests.Reporting;

public class ModelComparisonTests
{
    [Fact]
    public void Seed000_ratios_to_the_first_model_are_worked_by_hand()
    {
        var r = ModelComparison.Compare([MlpCost(), CnnCost()]);
        Assert.Equal("MLP", r.Baseline);
        var cnn = r.Rows[1];
        // 56,714 / 235,146 = 0.24119 (seed 000: CNN has about a quarter of the MLP's parameters).
        Assert.Equal(0.2412, cnn.ParamsRatio!.Value, 4);
        // 1,428,266 / 469,898 = 3.03952.
        Assert.Equal(3.0395, cnn.InferenceFlopsRatio!.Value, 4);
        // Training FLOPs are 3× inference for both, so the same ratio: 4,284,798 / 1,409,694 = 3.03952.
        Assert.Equal(3.0395, cnn.TrainingFlopsRatio!.Value, 4);
        // Memory 907,424 / 3,762,336 = params ratio again (both are params × 16 bytes).
        Assert.Equal(0.2412, cnn.TrainingMemoryMBRatio!.Value, 4);
        Assert.Equal(1.0, r.Rows[0].ParamsRatio);
        Assert.True(r.Rows[0].IsBaseline);
        Assert.Equal("MLP", cnn.Baseline);
        Assert.Equal(56_714L, cnn.Params);
        // No training run given: accuracy and its ratio are null, not NaN or 0.
        Assert.Null(cnn.TestAccuracy);
        Assert.Null(cnn.TestAccuracyRatio);
        Assert.Null(cnn.AccuracyGainPerExtraGFlop);
    }

    [Fact]
    public void Cost_row_and_training_run_with_the_same_model_name_merge_into_one_row()
    {
        var r = ModelComparison.Compare([MlpCost(), CnnCost(), MlpRun(), CnnRun()]);
        Assert.Equal(2, r.Rows.Count);
        Assert.Equal(["MLP", "CNN"], r.Rows.Select(x => x.Model));
        var cnn = r.Rows[1];
        Assert.Equal(0.8898, cnn.TestAccuracy);
        Assert.Equal(1_428_266L, cnn.InferenceFlops);
        Assert.Equal("FlopsWithBias", cnn.Convention);
        Assert.Equal("FashionMNIST", cnn.Dataset);
        // 0.8898 / 0.8742 = 1.017845.
        Assert.Equal(1.0178, cnn.TestAccuracyRatio!.Value, 4);
        // (0.8898 − 0.8742) × 100 = +1.56 points.
        Assert.Equal(1.56, cnn.AccuracyGainPts!.Value, 6);
        // Extra inference FLOPs 1,428,266 − 469,898 = 958,368 = 0.000958368 GFLOP; 1.56 / 0.000958368 = 1,627.77 pts per GFLOP.
        Assert.Equal(1627.77, cnn.AccuracyGainPerExtraGFlop!.Value, 2);
        // Training time 190 s / 34 s = 5.588.
        Assert.Equal(5.588, cnn.TrainSecondsRatio!.Value, 3);
    }

    [Fact]
    public void Seed000_conclusion_picks_the_cnn_as_more_accurate_and_smaller_and_the_mlp_as_cheaper()
    {
        // Seed 000's table: CNN 0.8898 vs MLP 0.8742, 56,714 vs 235,146 params; its conclusion: "CNN" for both.
        var c = ModelComparison.Compare([MlpCost(), CnnCost(), MlpRun(), CnnRun()]).Conclusion;
        Assert.Equal("CNN", c.MostAccurate);
        Assert.Equal(0.8898, c.MostAccurateTestAccuracy);
        Assert.Equal("CNN", c.Smallest);
        Assert.Equal(56_714L, c.SmallestParams);
        Assert.Equal("MLP", c.Cheapest);
        Assert.Equal(469_898L, c.CheapestInferenceFlops);
        Assert.Equal("MLP", c.Fastest);
        Assert.Equal(1.56, c.AccuracyGainPts!.Value, 6);
        Assert.Equal(0.000958368, c.ExtraGFlops!.Value, 12);
        Assert.Equal(1627.77, c.AccuracyGainPerExtraGFlop!.Value, 2);
        // 235,146 / 56,714 = 4.146 → "4.1× fewer"; 1,428,266 / 469,898 = 3.04 → "3.0× the".
        Assert.Contains("CNN is more accurate than MLP (+1.56 pts: 0.8898 vs 0.8742) with 4.1× fewer parameters but 3.0× the inference FLOPs", c.Summary);
        Assert.Contains("Most accurate: CNN (0.8898); smallest: CNN (56,714 parameters); cheapest: MLP (469,898 inference FLOPs)", c.Summary);
        Assert.Contains("Choosing CNN over MLP buys +1.56 pts of test accuracy", c.Summary);
        Assert.Equal("FlopsWithBias", c.Conventions);
    }

    [Fact]
    public void A_named_baseline_changes_the_ratios_and_matches_case_insensitively_when_unambiguous()
    {
        var r = ModelComparison.Compare([MlpCost(), CnnCost()], baseline: "cnn");
        Assert.Equal("CNN", r.Baseline);
        // 235,146 / 56,714 = 4.14617.
        Assert.Equal(4.1462, r.Rows[0].ParamsRatio!.Value, 4);
        // Without accuracy the savings come first, then one "but".
        Assert.Contains("Compared with CNN, MLP has 3.0× fewer inference FLOPs but 4.1× the parameters.", r.Conclusion.Summary);
    }

    [Fact]
    public void A_sentence_has_at_most_one_but()
    {
        // MLP against CNN with training: less accurate (0.8742 vs 0.8898), 235,146/56,714 = 4.1× the parameters (agrees: worse),
        // 1,428,266/469,898 = 3.0× fewer FLOPs and 60/200 = 3.3× less training time (both contrast: better).
        var v = ModelComparison.DescribeValues("MLP",
            Figures(params_: 235_146, flops: 469_898, accuracy: 0.8742, seconds: 60),
            "CNN", Figures(params_: 56_714, flops: 1_428_266, accuracy: 0.8898, seconds: 200));
        Assert.Equal("MLP is less accurate than CNN (-1.56 pts: 0.8742 vs 0.8898) with 4.1× the parameters but 3.0× fewer inference FLOPs and 3.3× less training time.", v);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(v, @"\bbut\b"));
    }

    private static FigureValue[] Figures(long params_, long flops, double accuracy, double seconds)
    {
        var v = new FigureValue[ComparisonFigures.All.Length];
        v[ComparisonFigures.Params] = FigureValue.Of(params_);
        v[ComparisonFigures.InferenceFlops] = FigureValue.Of(flops);
        v[ComparisonFigures.TestAccuracy] = FigureValue.Of(accuracy);
        v[ComparisonFigures.TrainSeconds] = FigureValue.Of(seconds);
        return v;
    }

    [Fact]
    public void Unknown_baseline_names_the_available_models()
    {
        var ex = Assert.Throws<ModelCostException>(() => ModelComparison.Compare([MlpCost(), CnnCost()], baseline: "ResNet"));
        Assert.Equal(ErrorIds.UnknownBaseline, ex.ErrorId);
        Assert.Contains("'ResNet'", ex.Message);
        Assert.Contains("'MLP', 'CNN'", ex.Message);
    }

    [Fact]
    public void Unknown_property_lists_the_valid_names()
    {
        var ex = Assert.Throws<ModelCostException>(() => ModelComparison.Compare([MlpCost()], properties: ["Params", "Flops"]));
        Assert.Equal(ErrorIds.UnknownComparisonProperty, ex.ErrorId);
        Assert.Contains("'Flops'", ex.Message);
        foreach (var name in ModelComparison.PropertyNames) Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Picked_properties_leave_the_others_null_and_keep_the_asked_order()
    {
        var r = ModelComparison.Compare([MlpCost(), CnnCost()], properties: ["inferenceflops", "Params"]);
        Assert.Equal(["InferenceFlops", "Params"], r.Properties);
        var cnn = r.Rows[1];
        Assert.Equal(56_714L, cnn.Params);
        Assert.Null(cnn.TrainingFlops);
        Assert.Null(cnn.TrainingFlopsRatio);
        Assert.Null(cnn.SizeMB);
        Assert.Equal(["InferenceFlops", "Params"], r.PresentProperties);
    }

    [Fact]
    public void Ratio_is_null_when_the_baseline_lacks_the_figure()
    {
        // The baseline has only a training run: it has no FLOPs, so nobody gets a FLOPs ratio.
        var r = ModelComparison.Compare([MlpRun(), CnnCost()]);
        Assert.Null(r.Rows[1].InferenceFlopsRatio);
        Assert.Equal(1_428_266L, r.Rows[1].InferenceFlops);
        Assert.Null(r.Conclusion.AccuracyGainPerExtraGFlop);
        Assert.Equal("MLP", r.Conclusion.MostAccurate); // the only model with an accuracy
    }

    [Fact]
    public void Seed002_three_models_fastest_and_a_less_accurate_phrase()
    {
        // Seed 002's table: Model1 ~97.6 % in 2m42s = 162 s, Model2 ~98.7 % in 7m22s = 442 s, Model3 ~99.0 % in 26m10s = 1,570 s.
        var runs = new[] { Run("Model1", 0.976, 162, (0.1, 0.97, double.NaN, double.NaN)), Run("Model2", 0.987, 442, (0.05, 0.99, double.NaN, double.NaN)),
                           Run("Model3", 0.990, 1570, (0.01, 1.0, double.NaN, double.NaN)) };
        var r = ModelComparison.Compare(runs, baseline: "Model2");
        Assert.Equal("Model1", r.Conclusion.Fastest);
        Assert.Equal(162.0, r.Conclusion.FastestTrainSeconds);
        Assert.Equal("Model3", r.Conclusion.MostAccurate);
        // Model1 vs Model2: (0.976 − 0.987) × 100 = −1.10 pts; 442 / 162 = 2.73 → "2.7× less training time".
        Assert.Contains("Model1 is less accurate than Model2 (-1.10 pts: 0.9760 vs 0.9870) but with 2.7× less training time.", r.Conclusion.Summary);
        // 1,570 / 442 = 3.55 → "3.6× the training time".
        Assert.Contains("Model3 is more accurate than Model2 (+0.30 pts: 0.9900 vs 0.9870) but with 3.6× the training time.", r.Conclusion.Summary);
        // A NaN validation accuracy (no validation split) is absent, not NaN.
        Assert.Null(r.Rows[0].ValAccuracy);
    }

    [Fact]
    public void Seed004_deeper_classifier_trade_off_with_correct_flops()
    {
        // Seed 004's per-layer formulas summed with each conv's true input channels (the seed uses the output channels
        // for conv2d_1 of Classifier and conv2d_2 / conv2d_4 of DeeperClassifier):
        // Classifier: 1,254,400 + 2·64·(5·5·32)·196 = 20,070,400 + 6,422,528 + 20,480 = 27,767,808.
        // Deeper: 903,168 + 49,840,128 + 2·128·(9·64)·169 = 24,920,064 + 35,684,352 + 2·256·(9·128)·25 = 14,745,600
        //         + 10,616,832 + 524,288 + 1,048,576 + 10,240 = 138,293,248.
        var classifier = new ModelCost.Core.Costing.CostSummary { Model = "Classifier", Convention = "Flops", Params = 3_274_634, InferenceFlops = 27_767_808 };
        var deeper = new ModelCost.Core.Costing.CostSummary { Model = "DeeperClassifier", Convention = "Flops", Params = 1_940_938, InferenceFlops = 138_293_248 };
        var r = ModelComparison.Compare([classifier, deeper, Run("Classifier", 0.925, 0), Run("DeeperClassifier", 0.9315, 0)]);
        var d = r.Rows[1];
        // 138,293,248 / 27,767,808 = 4.9803 (the seed says 3.6×; its own totals give 177,958,912 / 47,838,208 = 3.72).
        Assert.Equal(4.9803, d.InferenceFlopsRatio!.Value, 4);
        // +0.65 pts over (138,293,248 − 27,767,808) / 1e9 = 0.11052544 GFLOP → 5.881 pts per extra GFLOP.
        Assert.Equal(5.881, d.AccuracyGainPerExtraGFlop!.Value, 3);
        Assert.Contains("DeeperClassifier is more accurate than Classifier (+0.65 pts: 0.9315 vs 0.9250) with 1.7× fewer parameters but 5.0× the inference FLOPs.", r.Conclusion.Summary);
        Assert.Null(d.TrainSeconds); // 0 seconds means "not measured"
    }

    [Fact]
    public void Same_model_twice_is_an_error_naming_both()
    {
        var other = new ModelCost.Core.Costing.CostSummary { Model = "MLP", Convention = "TfProfiler", Params = 235_146 };
        var ex = Assert.Throws<ModelCostException>(() => ModelComparison.Compare([MlpCost(), other]));
        Assert.Equal(ErrorIds.DuplicateComparisonModel, ex.ErrorId);
        Assert.Contains("FlopsWithBias", ex.Message);
        Assert.Contains("TfProfiler", ex.Message);
    }

    [Fact]
    public void Unsupported_objects_and_empty_input_are_errors()
    {
        var ex = Assert.Throws<ModelCostException>(() => ModelComparison.Compare([MlpCost(), "a string"]));
        Assert.Equal(ErrorIds.UnsupportedComparisonInput, ex.ErrorId);
        Assert.Contains("System.String", ex.Message);
        var empty = Assert.Throws<ModelCostException>(() => ModelComparison.Compare([null]));
        Assert.Equal(ErrorIds.NothingToCompare, empty.ErrorId);
    }

    [Fact]
    public void Comparison_output_piped_back_in_is_rebased()
    {
        var first = ModelComparison.Compare([MlpCost(), CnnCost(), MlpRun(), CnnRun()]);
        var items = new List<object?>(first.Rows) { first.Conclusion };
        var again = ModelComparison.Compare(items, baseline: "CNN");
        Assert.Equal("CNN", again.Baseline);
        Assert.Equal(4.1462, again.Rows[0].ParamsRatio!.Value, 4);
        Assert.Equal(0.8742, again.Rows[0].TestAccuracy);
    }

    [Fact]
    public void One_model_says_there_is_nothing_to_compare()
    {
        var r = ModelComparison.Compare([CnnCost()]);
        Assert.Single(r.Rows);
        Assert.StartsWith("Only one model (CNN)", r.Conclusion.Summary);
    }

    [Fact]
    public void Nearly_equal_figures_are_said_in_percent()
    {
        // Seed 003: Q2 has 567,434 params vs Q1's 566,273 → +0.205 % → "0.2% more"; FLOPs 1,134,918 vs 1,132,546 → +0.209 %.
        var q1 = new ModelCost.Core.Costing.CostSummary { Model = "Q1", Convention = "Course", Params = 566_273, InferenceFlops = 1_132_546 };
        var q2 = new ModelCost.Core.Costing.CostSummary { Model = "Q2", Convention = "Course", Params = 567_434, InferenceFlops = 1_134_918 };
        Assert.Contains("Compared with Q1, Q2 has 0.2% more parameters and 0.2% more inference FLOPs.", ModelComparison.Compare([q1, q2]).Conclusion.Summary);
        var same = new ModelCost.Core.Costing.CostSummary { Model = "Q1b", Convention = "Course", Params = 566_273, InferenceFlops = 1_132_546 };
        Assert.Contains("the same number of parameters and the same inference FLOPs", ModelComparison.Compare([q1, same]).Conclusion.Summary);
    }

    [Fact]
    public void Mixed_conventions_are_flagged()
    {
        var tf = new ModelCost.Core.Costing.CostSummary { Model = "Other", Convention = "TfProfiler", Params = 10, InferenceFlops = 100 };
        var c = ModelComparison.Compare([MlpCost(), tf]).Conclusion;
        Assert.Equal("FlopsWithBias, TfProfiler", c.Conventions);
        Assert.Contains("different conventions", c.Summary);
    }
}
