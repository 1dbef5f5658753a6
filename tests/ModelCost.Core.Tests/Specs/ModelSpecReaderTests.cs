using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class ModelSpecReaderTests
{
    [Fact]
    public void DetectsYamlAndKerasJsonByContent()
    {
        var yamlPath = ExampleSpecsTests.ExamplePath("seed000_cnn.yaml");
        var jsonPath = Path.Combine(AppContext.BaseDirectory, "Specs", "Fixtures", "keras3_seed000_cnn.json");
        // Both describe seed 000's CNN: 56,714 parameters (derived in ExampleSpecsTests).
        Assert.Equal(56_714, ShapeInference.Resolve(ModelSpecReader.Load(yamlPath)).Params);
        Assert.Equal(56_714, ShapeInference.Resolve(ModelSpecReader.Load(jsonPath)).Params);
        // A YAML spec written in JSON flow style is still YAML.
        var flow = "{\"apiVersion\": \"modelcost/v1\", \"kind\": \"ModelSpec\", \"metadata\": {\"name\": \"m\"}, \"spec\": {\"inputShape\": [4], \"layers\": [{\"type\": \"Dense\", \"units\": 2}]}}";
        Assert.Equal(10, ShapeInference.Resolve(ModelSpecReader.Parse(flow, null)).Params); // 4·2+2
    }

    [Fact]
    public void FileErrorsNameTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("mcread");
        try
        {
            var missing = Path.Combine(dir.FullName, "nope.yaml");
            var ex = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(missing));
            Assert.Equal(ErrorIds.SpecFileNotFound, ex.ErrorId);
            Assert.Contains(missing, ex.Message);
            Assert.Equal(missing, ex.File);

            var ex2 = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(dir.FullName));
            Assert.Equal(ErrorIds.PathIsDirectory, ex2.ErrorId);

            var big = Path.Combine(dir.FullName, "big.yaml");
            using (var fs = File.Create(big)) fs.SetLength(16L * 1024 * 1024 + 1); // sparse; nothing is read
            var ex3 = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(big));
            Assert.Equal(ErrorIds.SpecTooLarge, ex3.ErrorId);
            Assert.Contains("big.yaml", ex3.Message);

            var empty = Path.Combine(dir.FullName, "empty.yaml");
            File.WriteAllText(empty, "");
            Assert.Equal(ErrorIds.UnknownSpecFormat, Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(empty)).ErrorId);

            var bad = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(bad, "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [{type: Dense, units: 0}]}\n");
            var ex4 = Assert.Throws<ModelCostException>(() => ModelSpecReader.Load(bad));
            Assert.Equal(bad, ex4.File);
            Assert.Equal(4, ex4.Line);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void OversizedTextAndDeepNestingFailClearly()
    {
        var huge = "apiVersion: modelcost/v1\n#" + new string('x', 16 * 1024 * 1024);
        Assert.Equal(ErrorIds.SpecTooLarge, Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(huge)).ErrorId);
        var deep = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: " + new string('[', 5000) + new string(']', 5000) + "}\n";
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(deep));
        Assert.Equal(ErrorIds.SpecTooLarge, ex.ErrorId);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void SummaryRowsLikeKeras()
    {
        // Seed 002 Model2 in Keras: conv2d 320, batch_normalization 128 (64 trainable γ/β, 64 moving stats), ...
        var rows = ModelSummary.Build(ExampleSpecsTests.Load("seed002_model2.yaml"));
        Assert.Equal(9, rows.Count);
        var bn = rows[1];
        Assert.Equal(("batch_normalization", "BatchNormalization", "(None, 28, 28, 32)", 128L, 64L, 64L),
            (bn.Name, bn.Type, bn.OutputShape, bn.Params, bn.TrainableParams, bn.NonTrainableParams));
        Assert.Equal("Model2", bn.Model);
        Assert.Equal("conv2d", bn.ConnectedTo);
        Assert.Equal("input", rows[0].ConnectedTo);
        Assert.Equal(Enumerable.Range(0, 9), rows.Select(r => r.Index));
        // 8,256 = 2·2·32·64+64 for the second conv (same padding keeps 14x14).
        Assert.Equal(("conv2d_1", "(None, 14, 14, 64)", 8_256L), (rows[3].Name, rows[3].OutputShape, rows[3].Params));
    }
}
