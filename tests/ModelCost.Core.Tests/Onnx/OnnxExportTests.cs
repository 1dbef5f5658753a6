using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Engine;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>
/// Export-TrainedModel -Format Onnx: ONNX Runtime 1.31.1 (CPU provider, a different implementation of every
/// operator) runs the exported file and must give our engine's outputs within 1e-4 (issue 14). Checked on
/// outputs after the last activation and on logits (the same weights with the last activation removed).
/// </summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> ExampleSpecs()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.yaml").Order()) d.Add(Path.GetFileName(f));
        return d;
    }

    /// <summary>
    /// Every example spec the engine can run, with weights drawn at random (kernels ~ N(0, 1/fan_in), BN statistics
    /// mean ~ N(0, 0.1), variance ~ U(0.5, 1.5)): what matters is that both runtimes compute the same function.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExampleSpecs))]
    public void ExampleSpecExportRunsOnOnnxRuntimeWithOurOutputs(string file)
    {
        var spec = ModelSpecReader.Load(Path.Combine(AppContext.BaseDirectory, "specs", file));
        var model = RandomWeights(spec, seed: 5);
        // GPT-2 and BERT-base (> 50 M parameters over 1024/512 tokens) run one sample; big images two.
        long parameters = WeightLayout.For(ShapeInference.Resolve(spec)).Sum(w => (long)w.Elements);
        int batch = parameters > 50_000_000 ? 1 : ShapeInference.Elements(spec.InputShape) > 100_000 ? 2 : 8;
        var x = RandomInput(spec, batch, seed: 9);
        Compare(model, x, batch);
        // Logits too, where the last layer has an activation to remove (GPT-2 ends in a LayerNormalization).
        if (spec.Layers[^1].Activation is { } last && last != Activations.Linear) Compare(WithoutLastActivation(model), x, batch);
    }

    /// <summary>
    /// The attention paths no example spec covers: a standalone MultiHeadAttention with a causal mask (self) and as
    /// cross-attention on [query, value] of different lengths (7 queries, 4 keys from a Cropping1D), value_dim ≠ key_dim,
    /// a constant_id Embedding, a post-LN encoder with relu, a Reshape and a softmax head.
    /// </summary>
    [Fact]
    public void AttentionVariantsRunOnOnnxRuntimeWithOurOutputs()
    {
        var spec = ModelSpecReader.Parse("""
            apiVersion: modelcost/v1
            kind: ModelSpec
            metadata: {name: attention_variants}
            spec:
              inputShape: [7]
              inputDtype: int32
              layers:
                - {type: Embedding, name: tokens, input_dim: 13, output_dim: 12}
                - {type: Embedding, name: segment, input_dim: 2, output_dim: 12, constant_id: 1, inputs: [input]}
                - {type: Add, name: embedded, inputs: [tokens, segment]}
                - {type: MultiHeadAttention, name: causal, num_heads: 3, key_dim: 4, value_dim: 5, use_causal_mask: true, inputs: [embedded]}
                - {type: Cropping1D, name: memory, cropping: [1, 2], inputs: [embedded]}
                - {type: MultiHeadAttention, name: cross, num_heads: 2, key_dim: 6, inputs: [causal, memory]}
                - {type: TransformerEncoder, name: encoder, intermediate_dim: 16, num_heads: 2, activation: relu}
                - {type: LayerNormalization, name: norm, epsilon: 1.0e-3}
                - {type: Reshape, name: flat, target_shape: [84]}
                - {type: Dense, name: head, units: 5, activation: softmax}
            """, "attention_variants.yaml");
        var model = RandomWeights(spec, seed: 3);
        var x = RandomInput(spec, 6, seed: 4);
        output.WriteLine($"probabilities: max |Δ| {Compare(model, x, 6):E2}; logits: {Compare(WithoutLastActivation(model), x, 6):E2}");
    }

    [FashionMnistFact]
    public void TrainedSeedMlpAndCnnGiveOurPredictionsOnTheTestSet()
    {
        var data = TestIdx.Fashion()!;
        foreach (var spec in new[] { SeedAccuracyTests.SeedMlp(), SeedAccuracyTests.SeedCnn() })
        {
            var run = Trainer.Train(spec, data, new TrainingOptions { Epochs = 1, BatchSize = 64, Optimizer = TrainingOptimizer.Adam, Seed = 1 });
            var model = run.GetTrainedModel();
            int n = data.TestY.Length; // 10,000 images
            var x = data.TestX;
            double probs = Compare(model, x, n);
            double logits = Compare(WithoutLastActivation(model), x, n);
            output.WriteLine($"{spec.Name}: test accuracy {run.TestAccuracy:F4}; max |Δ| probabilities {probs:E2}, logits {logits:E2} over {n} test images");
        }
    }

    [Fact]
    public void ExportedFileImportsBackWithTheSameCounts()
    {
        var spec = SeedAccuracyTests.SeedModel2();
        var path = Path.Combine(Path.GetTempPath(), $"mc-roundtrip-{Environment.ProcessId}.onnx");
        try
        {
            OnnxExporter.Save(RandomWeights(spec, 1), path, overwrite: true);
            var back = OnnxImporter.Load(path).Spec;
            var a = CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Macs });
            var b = CostCalculator.Measure(back, new CostOptions { Convention = CostConvention.Macs });
            Assert.Equal(a.Total.Params, b.Total.Params);
            Assert.Equal(a.Total.TrainableParams, b.Total.TrainableParams);
            Assert.Equal(a.Total.InferenceMacs, b.Total.InferenceMacs);
            // The main node of every layer is named after it, so the names come back.
            var resolved = ShapeInference.Resolve(spec);
            foreach (var l in resolved.Layers.Where(l => l.Type != LayerTypes.Dropout))
                Assert.Contains(l.Name, back.Layers.Select(x => x.Name));
        }
        finally { File.Delete(path); }
    }

    /// <summary>Runs both engines on <paramref name="x"/> (n samples) and asserts max |Δ| ≤ 1e-4; returns it.</summary>
    private double Compare(TrainedModel model, float[] x, int n)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mc-export-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Save(model, path, overwrite: true);
            int chunk = Math.Min(n, 1000);
            using var ours = ModelCost.Core.Engine.InferenceSession.Create(model, chunk, threads: 1);
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var ort = new Microsoft.ML.OnnxRuntime.InferenceSession(path, options);
            int inSize = ours.InputSize, outSize = ours.OutputSize;
            double worst = 0;
            var expected = new float[chunk * outSize];
            for (int start = 0; start < n; start += chunk)
            {
                int m = Math.Min(chunk, n - start);
                var input = x.AsSpan(start * inSize, m * inSize);
                ours.Run(input, expected);
                var tensor = new DenseTensor<float>(input.ToArray(), [m, .. model.Spec.InputShape]);
                using var results = ort.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
                var actual = results.First().AsEnumerable<float>().ToArray();
                Assert.Equal(m * outSize, actual.Length);
                for (int i = 0; i < actual.Length; i++)
                {
                    double d = Math.Abs(actual[i] - expected[i]);
                    if (!(d <= worst)) worst = double.IsNaN(d) ? double.PositiveInfinity : d;
                }
            }
            Assert.True(worst <= Tolerance, $"{model.Spec.Name}: ONNX Runtime differs from our engine by up to {worst:E3} (> {Tolerance:E0}).");
            return worst;
        }
        finally { File.Delete(path); }
    }

    internal static TrainedModel RandomWeights(ModelSpec spec, int seed)
    {
        var resolved = ShapeInference.Resolve(spec);
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var tensors = new List<NamedTensor>();
        foreach (var slot in WeightLayout.For(resolved))
        {
            var data = new float[slot.Elements];
            long fanIn = slot.Shape.Length >= 2 ? slot.Elements / slot.Shape[^1] : 1;
            for (int i = 0; i < data.Length; i++)
                data[i] = slot.Param switch
                {
                    "moving_variance" => (float)(0.5 + rng.NextDouble()),
                    "gamma" => (float)(1 + 0.1 * Normal()),
                    "beta" or "moving_mean" or "bias" => (float)(0.1 * Normal()),
                    _ => (float)(Normal() / Math.Sqrt(fanIn)),
                };
            tensors.Add(new NamedTensor(slot.Name, slot.Shape, data));
        }
        return new TrainedModel(spec, tensors);
    }

    /// <summary>Uniform [0, 1) values, or for a token-id input (inputDtype int32) ids drawn from the smallest vocabulary that reads the input.</summary>
    private static float[] RandomInput(ModelSpec spec, int batch, int seed)
    {
        var rng = new Random(seed);
        var x = new float[ShapeInference.Elements(spec.InputShape) * batch];
        var readers = ShapeInference.Resolve(spec).Layers.Where(l => l.Type == LayerTypes.Embedding && l.ConstantId < 0 && l.InputIndices.Contains(-1)).ToList();
        int vocab = readers.Count > 0 ? readers.Min(l => l.InputDim) : 0;
        for (int i = 0; i < x.Length; i++) x[i] = vocab > 0 ? rng.Next(vocab) : (float)rng.NextDouble();
        return x;
    }

    internal static TrainedModel WithoutLastActivation(TrainedModel m)
    {
        var layers = m.Spec.Layers.ToList();
        var last = layers[^1];
        // The name stays what the weights were saved under (an automatic name is made explicit).
        layers[^1] = new LayerSpec
        {
            Type = last.Type, Name = ShapeInference.AssignNames(m.Spec.Layers)[^1], Inputs = last.Inputs, Units = last.Units,
            Filters = last.Filters, KernelSize = last.KernelSize, Strides = last.Strides, Padding = last.Padding, Activation = "linear",
            RecurrentActivation = last.RecurrentActivation, UseBias = last.UseBias, PoolSize = last.PoolSize, Rate = last.Rate,
            DepthMultiplier = last.DepthMultiplier, ReturnSequences = last.ReturnSequences, Epsilon = last.Epsilon,
            Momentum = last.Momentum, ResetAfter = last.ResetAfter, Axis = last.Axis, ZeroPadding = last.ZeroPadding,
        };
        return new TrainedModel(new ModelSpec { Name = m.Spec.Name + "_logits", InputShape = m.Spec.InputShape, Layers = layers }, m.Tensors);
    }
}
