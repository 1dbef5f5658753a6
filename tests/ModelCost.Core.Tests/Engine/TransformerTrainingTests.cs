using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Training a token model end to end, saving it as safetensors with Keras/KerasNLP names and reading it back.</summary>
public class TransformerTrainingTests
{
    /// <summary>Sequences of 6 token ids (0..9); the label is the first id mod 3, so attention must carry position 0 to the pool.</summary>
    private static TrainingData Sequences()
    {
        var rng = new Random(5);
        float[] X(int n) => Enumerable.Range(0, n * 6).Select(_ => (float)rng.Next(10)).ToArray();
        var trainX = X(384);
        var testX = X(96);
        int[] Y(float[] x) => Enumerable.Range(0, x.Length / 6).Select(i => (int)x[i * 6] % 3).ToArray();
        return new TrainingData { Name = "sequences", SampleShape = [6], Classes = 3, TrainX = trainX, TrainY = Y(trainX), TestX = testX, TestY = Y(testX) };
    }

    private static ModelSpec TokenModel() => LayerSpecFactory.Create("tokens", [6],
    [
        "Embedding(10, 16)", "PositionEmbedding(6)", "Add(inputs=['embedding', 'position_embedding'])",
        "TransformerEncoder(32, 4, dropout=0.1, activation='gelu')", "MultiHeadAttention(2, 8, use_causal_mask=True)",
        "LayerNormalization()", "GlobalAveragePooling1D()", "Dense(3, activation='softmax')",
    ], inputDtype: "int32");

    [Fact]
    public void TrainsSavesAndReloadsWithKerasNames()
    {
        var data = Sequences();
        var r = Trainer.Train(TokenModel(), data, new TrainingOptions { Epochs = 8, BatchSize = 32, ValidationSplit = 0, Seed = 3, Threads = 2 });
        Assert.Equal(TrainingStatus.Completed, r.Status);
        // The label is a function of one token: chance is 1/3; learning it shows the gradients reach the embeddings.
        Assert.True(r.TestAccuracy > 0.6, $"test accuracy {r.TestAccuracy:F3}");
        var names = r.GetTrainedModel().Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("embedding.embeddings", names);
        Assert.Contains("transformer_encoder.self_attention/query/kernel", names);
        Assert.Contains("transformer_encoder.feedforward_layer_norm/gamma", names);
        Assert.Contains("multi_head_attention.attention_output/bias", names);
        Assert.Equal([16, 2, 8], r.GetTrainedModel().Tensors.Single(t => t.Name == "multi_head_attention.query/kernel").Shape);

        using var tmp = new TempFolder();
        var path = tmp.File("tokens.safetensors");
        TrainedModelFile.Save(r.GetTrainedModel(), path, overwrite: false);
        var loaded = TrainedModelFile.Load(path);
        Assert.Equal("int32", loaded.Spec.InputDtype);
        var before = Evaluator.Evaluate(r.GetTrainedModel(), data, new EvaluationOptions { Threads = 2 });
        var after = Evaluator.Evaluate(loaded, data, new EvaluationOptions { Threads = 2 });
        Assert.Equal(before.Loss, after.Loss);
        Assert.Equal(r.TestAccuracy, after.Accuracy);
    }

    [Fact]
    public void ATokenIdBeyondTheVocabularyStopsTrainingNamingTheLayer()
    {
        var data = Sequences();
        data.TrainX[13] = 10; // sample 2, position 1; the table has rows 0..9
        var e = Assert.Throws<ModelCostException>(() => Trainer.Train(TokenModel(), data, new TrainingOptions { Epochs = 1, BatchSize = 384, ValidationSplit = 0, Shuffle = false }));
        Assert.Equal(ErrorIds.TokenIdOutOfRange, e.ErrorId);
        Assert.Equal("embedding", e.LayerName);
        Assert.Contains("sample 2, position 1 holds token id 10", e.Message);
    }

    [Fact]
    public void AVocabularyTooLargeForMemoryFailsBeforeAllocating()
    {
        // 50,257 × 768 float32 weights are 154 MB, five copies while training 772 MB: more than 100 MB "available".
        var model = ShapeInference.Resolve(LayerSpecFactory.Create("m", [8], ["Embedding(50257, 768)"], inputDtype: "int32"));
        var e = Assert.Throws<ModelCostException>(() => ModelCost.Core.Engine.Runtime.EngineChecks.CheckWeightsFit(model, training: true, availableBytes: 100L << 20));
        Assert.Equal(ErrorIds.ModelTooLarge, e.ErrorId);
        Assert.Equal(("embedding", "input_dim"), (e.LayerName, e.Option));
        Assert.Contains("50257 × output_dim 768", e.Message);
        ModelCost.Core.Engine.Runtime.EngineChecks.CheckWeightsFit(model, training: false, availableBytes: 200L << 20); // 154 MB for inference fits
    }
}
