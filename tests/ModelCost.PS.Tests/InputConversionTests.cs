using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.PS.Inputs;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>The one conversion from files and text to models that every model command uses.</summary>
public sealed class InputConversionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelcost-ps-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ModelSpec Spec() => LayerSpecFactory.Create("Four", [4], ["Dense(2, activation='softmax')"]);

    [Theory]
    [InlineData("apiVersion: modelcost/v1", true)]
    [InlineData("\uFEFF  apiVersion: modelcost/v1", true)]
    [InlineData("{\"class_name\": \"Sequential\"}", true)]
    [InlineData("name: x\nspec: {}", true)]
    [InlineData("./specs/cnn.yaml", false)]
    [InlineData("C:\\specs\\{braces}.yaml", false)]
    [InlineData("apiVersion.yaml", false)]
    public void Text_is_told_from_a_path(string value, bool isText) => Assert.Equal(isText, ModelInputReader.LooksLikeSpecText(value));

    [Fact]
    public void A_spec_file_reads_as_a_spec_and_a_safetensors_file_as_trained_weights()
    {
        var yaml = Path.Combine(_folder, "four.yaml");
        ModelSpecYaml.Save(Spec(), yaml, overwrite: false);
        var spec = ModelInputReader.ReadFile(yaml, default);
        Assert.IsType<ModelSpec>(spec);
        Assert.Null(spec.GetTrainedModel());
        Assert.Equal(Spec(), spec.GetSpec());

        var weights = Path.Combine(_folder, "four.SAFETENSORS");
        var trained = new TrainedModel(Spec(), [new NamedTensor("dense.kernel", [4, 2], new float[8]), new NamedTensor("dense.bias", [2], new float[2])]);
        TrainedModelFile.Save(trained, weights, overwrite: false);
        var back = ModelInputReader.ReadFile(weights, default);
        Assert.True(ModelInputReader.IsTrainedModelFile(weights));
        Assert.Equal(2, back.GetTrainedModel()!.Tensors.Count);
        Assert.Equal(Spec(), back.GetSpec());
    }

    [Fact]
    public void A_missing_file_is_reported_by_its_reader_with_its_id()
    {
        var e = Assert.Throws<ModelCostException>(() => ModelInputReader.ReadFile(Path.Combine(_folder, "none.yaml"), default));
        Assert.Equal(ErrorIds.SpecFileNotFound, e.ErrorId);
        var t = Assert.Throws<ModelCostException>(() => ModelInputReader.ReadFile(Path.Combine(_folder, "none.safetensors"), default));
        Assert.Equal(ErrorIds.DataFileNotFound, t.ErrorId);
    }

    [Fact]
    public void A_training_result_is_a_trained_model_source_and_a_spec_is_not()
    {
        var trained = new TrainedModel(Spec(), []);
        var run = new TrainingResult(trained) { Model = "Four", Dataset = "d", Engine = "Managed", History = [] };
        Assert.Same(trained, ((ITrainedModelSource)run).GetTrainedModel());
        Assert.Same(trained, ((IModelSource)run).GetTrainedModel());
        Assert.Same(trained.Spec, ((IModelSource)run).GetSpec());
        Assert.False(typeof(ITrainedModelSource).IsAssignableFrom(typeof(ModelSpec)));
        Assert.True(typeof(IModelSource).IsAssignableFrom(typeof(ModelSpec)));
    }
}
