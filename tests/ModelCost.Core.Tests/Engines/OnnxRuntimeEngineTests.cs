using Microsoft.ML.OnnxRuntime;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Engine;
using ModelCost.Core.Tests.Onnx;
using ModelCost.Engines.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;
using InferenceSession = ModelCost.Core.Engine.InferenceSession;

namespace ModelCost.Core.Tests.Engines;

/// <summary>
/// -Engine OnnxRuntime (issue 14 item 4): it times the model our engine times. The session it opens over a spec's
/// initial weights must compute our engine's outputs (softmax) and logits within 1e-4 on the same inputs; it
/// refuses training and evaluation, and layers the ONNX export does not write, by name.
/// </summary>
public class OnnxRuntimeEngineTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Seeds() => new() { "mlp", "cnn" };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SessionTheEngineTimesGivesOurEnginesOutputsAndLogits(string which)
    {
        var spec = which == "mlp" ? SeedAccuracyTests.SeedMlp() : SeedAccuracyTests.SeedCnn();
        var resolved = ShapeInference.Resolve(spec);
        // The weights MeasureLatency uses for a spec: the managed engine's initial draw for the seed.
        var model = new TrainedModel(spec, WeightInitializer.InitialTensors(resolved, seed: 3));
        const int batch = 16;
        var x = new float[batch * ShapeInference.Elements(resolved.InputShape)];
        LatencyMeter.FillInput(x);
        double probs = MaxDifference(model, x, batch), logits = MaxDifference(OnnxExportTests.WithoutLastActivation(model), x, batch);
        output.WriteLine($"{spec.Name}: max |Δ| softmax {probs:E2}, logits {logits:E2} over {batch} inputs");
        Assert.InRange(probs, 0, Tolerance);
        Assert.InRange(logits, 0, Tolerance);
    }

    [Fact]
    public void MeasuresLatencyWithTheSharedOutputObject()
    {
        var spec = SeedAccuracyTests.SeedMlp();
        var m = new OnnxRuntimeEngine().MeasureLatency(spec, new LatencyOptions { BatchSize = 4, Iterations = 5, Warmup = 1, Threads = 1 }, default);
        Assert.Equal("OnnxRuntime", m.Engine);
        Assert.Equal(4, m.BatchSize);
        Assert.Equal(1, m.Threads);
        Assert.Equal("Initialised", m.Weights);
        Assert.True(m.MedianSeconds > 0);
    }

    [Fact]
    public void RefusesTrainingAndEvaluationUpFront()
    {
        var engine = new OnnxRuntimeEngine();
        Assert.Equal(EngineOperations.MeasureLatency, engine.Operations);
        var spec = SeedAccuracyTests.SeedMlp();
        var train = Assert.Throws<ModelCostException>(() => engine.Train(spec, null!, new TrainingOptions(), null, default));
        Assert.Equal(ErrorIds.UnsupportedByEngine, train.ErrorId);
        Assert.Contains("cannot train", train.Message);
        var eval = Assert.Throws<ModelCostException>(() => engine.Evaluate(new TrainedModel(spec, []), null!, new EvaluationOptions(), default));
        Assert.Equal(ErrorIds.UnsupportedByEngine, eval.ErrorId);
    }

    [Fact]
    public void RefusesALayerTheExportCannotWriteByName()
    {
        // Permute (an ONNX import's layer type) is the one the export does not write; it must be named.
        var spec = ModelSpecReader.Parse("""
            apiVersion: modelcost/v1
            kind: ModelSpec
            metadata: {name: permuted}
            spec:
              inputShape: [4, 6]
              layers:
                - {type: Permute, name: swap, dims: [2, 1]}
                - {type: Flatten}
                - {type: Dense, units: 3}
            """, "permuted.yaml");
        var engine = new OnnxRuntimeEngine();
        var limits = engine.Supports(spec, EngineOperations.MeasureLatency);
        Assert.NotEmpty(limits);
        Assert.All(limits, l => Assert.NotNull(l.LayerName));
        var ex = Assert.Throws<ModelCostException>(() => engine.MeasureLatency(spec, new LatencyOptions { Iterations = 1, Warmup = 0 }, default));
        Assert.Equal(ErrorIds.UnsupportedByEngine, ex.ErrorId);
        Assert.Equal(limits[0].LayerName, ex.LayerName);
        Assert.Equal("swap", ex.LayerName);
        output.WriteLine(ex.Message);
    }

    private static double MaxDifference(TrainedModel model, float[] x, int batch)
    {
        using var ours = InferenceSession.Create(model, batch, threads: 1);
        var expected = new float[batch * ours.OutputSize];
        ours.Run(x, expected);
        using var session = OnnxRuntimeEngine.Open(model, threads: 1);
        var shape = new long[] { batch }.Concat(model.Spec.InputShape.Select(d => (long)d)).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var results = session.Run(new RunOptions(), ["input"], [input], ["output"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
    }
}
