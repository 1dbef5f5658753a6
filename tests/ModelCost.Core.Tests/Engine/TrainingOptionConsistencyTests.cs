using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Issue 15, smaller findings: -Momentum with Adam, and a dataset with only test files.</summary>
public sealed class TrainingOptionConsistencyTests
{
    private static readonly ModelSpec Spec = new() { Name = "m", InputShape = [2], Layers = [L("Dense", units: 2, activation: "softmax")] };

    private static TrainingData Data(int train) => new()
    {
        Name = "tiny", SampleShape = [2], Classes = 2,
        TrainX = new float[2 * train], TrainY = new int[train], TestX = new float[4], TestY = new int[2],
    };

    [Theory]
    [InlineData(TrainingOptimizer.Adam)]
    [InlineData(TrainingOptimizer.AdamW)]
    [InlineData(TrainingOptimizer.RMSprop)]
    [InlineData(TrainingOptimizer.Adagrad)]
    public void Momentum_with_an_optimizer_that_has_none_is_refused(TrainingOptimizer optimizer)
    {
        var ex = Assert.Throws<ModelCostException>(() => Trainer.Train(Spec, Data(8), new TrainingOptions { Optimizer = optimizer, Momentum = 0.9, Epochs = 1, BatchSize = 4 }));
        Assert.Equal(ErrorIds.InvalidTrainingOption, ex.ErrorId);
        Assert.Equal("Momentum", ex.Option);
        Assert.Contains($"{optimizer} does not use it", ex.Message);
    }

    [Fact]
    public void Momentum_with_SGD_trains()
    {
        var r = Trainer.Train(Spec, Data(8), new TrainingOptions { Optimizer = TrainingOptimizer.SGD, Momentum = 0.9, Epochs = 1, BatchSize = 4, ValidationSplit = 0 });
        Assert.Single(r.History);
    }

    [Fact]
    public void A_dataset_without_training_files_says_so_instead_of_blaming_the_validation_split()
    {
        var ex = Assert.Throws<ModelCostException>(() => Trainer.Train(Spec, Data(0), new TrainingOptions { Epochs = 1 }));
        Assert.Equal(ErrorIds.DataFileNotFound, ex.ErrorId);
        Assert.Contains("train-images-idx3-ubyte", ex.Message);
        Assert.DoesNotContain("ValidationSplit", ex.Message);
    }
}
