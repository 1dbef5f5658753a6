using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Engines.PyTorch;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Export;
using Xunit;

namespace ModelCost.Core.Tests.Engines;

/// <summary>
/// The PyTorch engine behind the seam, without starting Python: it is built into every catalogue, it only trains,
/// and it refuses options and data it cannot use before any process starts. Training itself is in
/// PyTorchTrainerTests and tests/ModelCost.PyTorch.Tests.ps1.
/// </summary>
public class PyTorchEngineTests
{
    private static ModelSpec Mlp() => LayerSpecFactory.Create("tiny_mlp", [4], ["Dense(2, activation='softmax')"]);

    private static TrainingData InMemory() => new()
    {
        Name = "in-memory", SampleShape = [4], Classes = 2, TrainX = new float[8 * 4], TrainY = new int[8], TestX = new float[2 * 4], TestY = new int[2],
    };

    [Fact]
    public void EveryCatalogueHasItBuiltIn()
    {
        var catalog = new EngineCatalog();
        Assert.True(catalog.IsInstalled("PyTorch"));
        var engine = catalog.Get("pytorch");
        Assert.Equal("PyTorch", engine.Name);
        Assert.Equal(EngineOperations.Train, engine.Operations);
    }

    [Fact]
    public void EvaluationAndLatencyAreRefusedByName()
    {
        var engine = new PyTorchEngine();
        var e = Assert.Throws<ModelCostException>(() => EngineSupport.Ensure(engine, Mlp(), EngineOperations.Evaluate));
        Assert.Equal(ErrorIds.UnsupportedByEngine, e.ErrorId);
        Assert.Contains("cannot evaluate", e.Message);
        Assert.Contains("training", e.Message);
    }

    [Theory]
    [InlineData("Processes", 0)]
    [InlineData("Processes", 65)]
    [InlineData("Threads2", 1)]
    public void BadOptionsAreInvalidEngineOptionBeforeAnyProcess(string name, int value)
    {
        var options = new TrainingOptions { EngineOptions = new Dictionary<string, object?> { [name] = value } };
        var e = Assert.Throws<ModelCostException>(() => new PyTorchEngine().Train(Mlp(), InMemory(), options));
        Assert.Equal(ErrorIds.InvalidEngineOption, e.ErrorId);
        Assert.Equal(name, e.Option);
    }

    [Fact]
    public void DataBuiltInMemoryIsRefused()
    {
        var e = Assert.Throws<ModelCostException>(() => new PyTorchEngine().Train(Mlp(), InMemory(), new TrainingOptions()));
        Assert.Equal(ErrorIds.UnsupportedByEngine, e.ErrorId);
        Assert.Contains("IDX files", e.Message);
    }

    [Theory]
    [InlineData(64, 1, 64)]
    [InlineData(64, 2, 32)]   // one step = 2 ranks × 32 = 64 samples
    [InlineData(65, 2, 33)]   // ⌈65 / 2⌉: the step covers 66, never fewer than asked
    [InlineData(1, 4, 1)]
    public void EachRankTakesItsShareOfTheBatch(int batch, int processes, int perRank) =>
        Assert.Equal(perRank, PyTorchTrainer.PerRankBatch(batch, processes));
}
