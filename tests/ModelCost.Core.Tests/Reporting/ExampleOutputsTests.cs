using System.Globalization;
using ModelCost.Core.Costing;
using ModelCost.Core.Reporting;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Reporting;

/// <summary>
/// The core calls behind examples/seed*.ps1, checked against figures worked by hand. The scripts' own output
/// (examples/README.md) comes from running them: examples/Update-ExpectedOutput.ps1.
/// </summary>
public class ExampleOutputsTests
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
}
