using ModelCost.Core.Costing;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Costing;

/// <summary>
/// The shipped example specs (examples/specs, loaded with ModelSpecYaml.Load as a user would) give the same
/// figures as the hand derivations in SeedFigureTests and the torchvision measurements in TorchvisionMacsTests.
/// </summary>
public class ExampleSpecCostTests
{
    private static ModelSpec Load(string file) => ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", file));

    [Theory]
    // Derivations: SeedFigureTests (same numbers, seed by seed).
    [InlineData("seed000_mlp.yaml", "FlopsWithBias", 469_898L, 1_409_694L)]
    [InlineData("seed000_cnn.yaml", "FlopsWithBias", 1_428_266L, 4_284_798L)]
    [InlineData("seed000_mlp.yaml", "TfProfiler", 469_948L, 1_409_844L)]     // seed 001: 0.47 M; 3·469,948 = 1,409,844
    [InlineData("seed000_cnn.yaml", "TfProfiler", 1_442_332L, 4_326_996L)]   // seed 001: 1.44 M; 3·1,442,332 = 4,326,996
    [InlineData("seed003_q1_dnn.yaml", "Course", 1_132_546L, 3_397_638L)]    // seed prints 328,706 (skips the first layer)
    [InlineData("seed003_q2_dnn.yaml", "Course", 1_134_918L, 3_404_754L)]
    [InlineData("seed003_q3_cnn2d.yaml", "TfProfiler", 5_113_532L, 15_340_596L)]
    [InlineData("seed003_q4_cnn.yaml", "TfProfiler", 10_751_228L, 32_253_684L)]
    [InlineData("seed003_q5_conv3d.yaml", "TfProfiler", 566_448_606L, 1_699_345_818L)]
    [InlineData("seed003_q6_rnn.yaml", "FlopsWithBias", 239L, 717L)]        // seed prints 59 (one time step)
    [InlineData("seed004_baseline_classifier.yaml", "Flops", 27_767_808L, 83_303_424L)] // seed 47,838,208 (wrong C_in)
    [InlineData("seed004_classifier.yaml", "Flops", 27_767_808L, 83_303_424L)]          // dropout changes nothing
    [InlineData("seed004_deeper_classifier.yaml", "Flops", 138_293_248L, 414_879_744L)] // seed 177,958,912 (two wrong C_in)
    public void ExampleSpecsReproduceTheSeedFigures(string file, string convention, long inference, long threeTimes)
    {
        var c = CostCalculator.Measure(Load(file), new CostOptions
        {
            Convention = CostConvention.Resolve(convention), TrainingFlopsMethod = TrainingFlopsMethod.ThreeTimesForward,
        }).Total;
        Assert.Equal(inference, c.InferenceFlops);
        Assert.Equal(threeTimes, c.TrainingFlops);
    }

    [Theory]
    // torchvision forward hooks, conv + linear (command and output in TorchvisionMacsTests).
    [InlineData("resnet18.yaml", 1_813_561_344L, 512_000L)]
    [InlineData("resnet50.yaml", 4_087_136_256L, 2_048_000L)]
    [InlineData("vgg16.yaml", 15_346_630_656L, 123_633_664L)]
    public void TorchvisionExamplesMatchForwardHooks(string file, long convMacs, long linearMacs)
    {
        var r = CostCalculator.Measure(Load(file), new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(convMacs, r.Layers.Where(l => l.Type == "Conv2D").Sum(l => l.Macs));
        Assert.Equal(linearMacs, r.Layers.Where(l => l.Type == "Dense").Sum(l => l.Macs));
        Assert.Equal(convMacs + linearMacs, r.Total.InferenceMacs);
    }

    [Theory]
    [InlineData("resnet18.yaml", 18)]
    [InlineData("resnet50.yaml", 50)]
    public void ExampleResNetsCostLikeOurOwnBuild(string file, int depth)
    {
        // Two independent writings of the same network (the specs engineer's generator, TorchvisionModels here)
        // must agree on every figure under every convention.
        var fromYaml = Load(file);
        var ours = TorchvisionModels.ResNet(depth);
        foreach (var name in CostConvention.BuiltInNames)
        {
            var o = new CostOptions { Convention = CostConvention.Resolve(name), BatchSize = 8 };
            var a = CostCalculator.Measure(fromYaml, o).Total;
            var b = CostCalculator.Measure(ours, o).Total;
            Assert.Equal((a.Params, a.InferenceMacs, a.InferenceFlops, a.TrainingFlops, a.TrainingMemoryBytes),
                         (b.Params, b.InferenceMacs, b.InferenceFlops, b.TrainingFlops, b.TrainingMemoryBytes));
        }
    }
}
