using System.Text.Json;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Export.PyTorch;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Export;

/// <summary>
/// Export-ModelSpec -Format PyTorch (issue 12, items 1 and 3). The peer is the exported file itself run by
/// Debian's python3-torch 1.13: its parameter counts must equal ours (trainable parameters = ours, buffers =
/// our non-trainable BatchNormalization statistics) and, loaded with our weights, it must give our engine's
/// outputs. Tests needing python3 + torch are [SkippableFact]s: reported Skipped when either is missing.
/// </summary>
public class PyTorchExportTests(ITestOutputHelper output)
{
    public static TheoryData<string> ExampleSpecs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    private static ModelSpec Example(string file) => ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", file));

    [Theory]
    [MemberData(nameof(ExampleSpecs))]
    public void GeneratedFileMapsEveryWeightOfOurLayout(string file)
    {
        var spec = Example(file);
        var text = PyTorchExporter.Generate(spec, "net.py");
        foreach (var slot in WeightLayout.For(ShapeInference.Resolve(spec)))
            Assert.Contains($"    {PythonText.Str(slot.Name)}: (", text);
        Assert.Contains("class Model(nn.Module):", text);
        Assert.Contains("net.py --data DIR", text);
        Assert.DoesNotContain("@MODEL@", text);
        Assert.DoesNotContain("@HEADER@", text);
        Assert.DoesNotContain("THIS_FILE", text);
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void LayerNamesBecomeDistinctPythonIdentifiers()
    {
        // VGG-16's torchvision names ('features.0', 'classifier.6') are not identifiers; reserved and clashing names get suffixes.
        var text = PyTorchExporter.Generate(Example("vgg16.yaml"));
        Assert.Contains("self.classifier_6 = Dense(4096, 1000,", text);
        Assert.Contains("\"classifier.6.kernel\": (\"classifier_6\", \"kernel\"),", text);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        Assert.Equal(["a_b", "a_b_2", "training_", "_1x", "class_", "inputs_"],
            new[] { "a.b", "a-b", "training", "1x", "class", "inputs" }.Select(n => PythonText.Identifier(n, taken)));
    }

    [Fact]
    public void PythonLiteralsEscapeQuotesBackslashesAndLineBreaks()
    {
        Assert.Equal("\"a\\\"b\\\\c\\nd\\u00e9\"", PythonText.Str("a\"b\\c\nd\u00e9"));
        Assert.Equal("0.99", PythonText.Float(0.99));
        Assert.Equal("1e-05", PythonText.Float(1e-5));
        Assert.Equal("3.0", PythonText.Float(3));
        Assert.Equal("(3,)", PythonText.Tuple([3]));
        // A spec name that would end a docstring or a string literal stays inside it.
        var spec = new ModelSpec { Name = "x\"\"\"y\nz", InputShape = [4], Layers = [new() { Type = "Dense", Units = 2 }] };
        var text = PyTorchExporter.Generate(spec);
        Assert.Contains("MODEL_NAME = \"x\\\"\\\"\\\"y\\nz\"", text);
        Assert.Contains("\"\"\"x'''y z: input (None, 4)", text);
    }

    [Fact]
    public void SpecErrorsAreReportedBeforeAnythingIsWritten()
    {
        var dir = Directory.CreateTempSubdirectory("modelcost-export-").FullName;
        try
        {
            var path = Path.Combine(dir, "m.py");
            var bad = new ModelSpec { Name = "bad", InputShape = [4], Layers = [new() { Type = "Dense", Units = 0 }] };
            var ex = Assert.Throws<ModelCostException>(() => PyTorchExporter.Save(bad, path, overwrite: true));
            Assert.Equal(ErrorIds.InvalidLayerOption, ex.ErrorId);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [SkippableFact]
    public void ExportedParameterCountsEqualOurs()
    {
        PythonTorch.SkipUnlessAvailable();
        var dir = Directory.CreateTempSubdirectory("modelcost-export-").FullName;
        try
        {
            var expected = new Dictionary<string, ResolvedModel>(StringComparer.Ordinal);
            foreach (string file in ExampleSpecs())
            {
                var spec = Example(file);
                var path = Path.Combine(dir, Path.GetFileNameWithoutExtension(file) + ".py");
                PyTorchExporter.Save(spec, path, overwrite: false);
                expected[path] = ShapeInference.Resolve(spec);
            }
            var stdout = PythonTorch.Run(TimeSpan.FromMinutes(5), [PythonTorch.PeerScript("check_pytorch_export.py"), "counts", .. expected.Keys]);
            int seen = 0;
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                var m = expected[r.GetProperty("file").GetString()!];
                output.WriteLine($"{m.Name}: torch trainable {r.GetProperty("trainable").GetInt64()} + buffers {r.GetProperty("buffers").GetInt64()}; ours {m.TrainableParams} + {m.NonTrainableParams}");
                Assert.Equal(m.TrainableParams, r.GetProperty("trainable").GetInt64());
                Assert.Equal(m.NonTrainableParams, r.GetProperty("buffers").GetInt64());
                Assert.Equal(WeightLayout.For(m).Count, r.GetProperty("weights").GetInt32());
                seen++;
            }
            Assert.Equal(expected.Count, seen);
        }
        finally { Directory.Delete(dir, true); }
    }

    [SkippableTheory]
    [MemberData(nameof(ExampleSpecs))]
    [Trait("Category", "Long")]
    public void ExportedModuleReproducesOurOutputsWithOurWeights(string file) => CompareWithEngine(Example(file));

    /// <summary>Layers and options the example specs do not use, one small model each.</summary>
    public static TheoryData<string> SemanticsSpecs() => new(SemanticsModels.Keys.Order(StringComparer.Ordinal));

    [SkippableTheory]
    [MemberData(nameof(SemanticsSpecs))]
    public void ExportedModuleFollowsKerasSemantics(string name) => CompareWithEngine(SemanticsModels[name]());

    private static ModelSpec Make(string name, int[] input, params object[] layers) => LayerSpecFactory.Create(name, input, layers);

    private static readonly Dictionary<string, Func<ModelSpec>> SemanticsModels = new(StringComparer.Ordinal)
    {
        // 'same' with stride 2 on odd sizes pads asymmetrically (TF: the extra row/column after); average pooling
        // divides by the cells inside the input; max pooling pads with -inf.
        ["asymmetric-same"] = () => Make("asymmetric_same", [9, 8, 3],
            "Conv2D(4, 4, strides=2, padding='same', activation='elu')", "AveragePooling2D(3, strides=2, padding='same')",
            "MaxPooling2D(2, strides=1, padding='same')", "BatchNormalization(momentum=0.9, epsilon=0.01)", "Flatten()", "Dense(5, activation='softmax')"),
        ["separable-depthwise"] = () => Make("separable_depthwise", [10, 10, 3],
            "DepthwiseConv2D(3, depth_multiplier=2, padding='same', activation='relu6')", "SeparableConv2D(6, 3, strides=2, depth_multiplier=2, activation='selu')",
            "GlobalMaxPooling2D()", "Dense(4, activation='softmax')"),
        ["conv1d"] = () => Make("conv1d", [12, 3],
            "Conv1D(5, 3, strides=2, padding='same', activation='softplus')", "MaxPooling1D(2, padding='same')",
            "AveragePooling1D(2)", "GlobalAveragePooling1D()", "Dense(3, activation='softmax')"),
        ["conv3d"] = () => Make("conv3d", [5, 6, 7, 2],
            "Conv3D(3, 2, strides=2, padding='same', activation='gelu')", "AveragePooling3D(2, padding='same')", "Flatten()",
            "Dropout(0.3)", "Dense(3, activation='softmax')"),
        ["recurrent"] = () => Make("recurrent", [6, 4],
            "SimpleRNN(5, return_sequences=True)", "GRU(4, return_sequences=True)", "LSTM(3, activation='softsign', recurrent_activation='hard_sigmoid')",
            "Dense(3, activation='softmax')"),
        // Cross-attention (query, value) with its own widths and no bias, a causal self-attention, a post-LN decoder
        // block with dropout (inactive in inference), LayerNormalization, Cropping1D and a Reshape.
        ["attention"] = () => Make("attention", [6, 8],
            new System.Collections.Hashtable { ["type"] = "Dense", ["units"] = 5, ["name"] = "kv" },
            new System.Collections.Hashtable { ["type"] = "MultiHeadAttention", ["num_heads"] = 2, ["key_dim"] = 3, ["value_dim"] = 4, ["use_bias"] = false, ["inputs"] = new[] { "input", "kv" }, ["name"] = "cross" },
            new System.Collections.Hashtable { ["type"] = "MultiHeadAttention", ["num_heads"] = 2, ["key_dim"] = 4, ["use_causal_mask"] = true, ["name"] = "causal" },
            new System.Collections.Hashtable { ["type"] = "TransformerDecoder", ["intermediate_dim"] = 16, ["num_heads"] = 2, ["dropout"] = 0.2, ["activation"] = "gelu" },
            new System.Collections.Hashtable { ["type"] = "LayerNormalization", ["epsilon"] = 1e-5 },
            new System.Collections.Hashtable { ["type"] = "Cropping1D", ["cropping"] = new[] { 1, 2 } },
            new System.Collections.Hashtable { ["type"] = "Reshape", ["target_shape"] = new[] { 4, 6 } },
            "Flatten()", "Dense(3, activation='softmax')"),
        ["graph"] = () => Make("graph", [8, 8, 2],
            new System.Collections.Hashtable { ["Type"] = "ZeroPadding2D", ["ZeroPadding"] = new[] { 1, 2, 0, 3 }, ["Name"] = "pad" },
            new System.Collections.Hashtable { ["Type"] = "Conv2D", ["Filters"] = 3, ["KernelSize"] = new[] { 3 }, ["Name"] = "a", ["Activation"] = "swish" },
            new System.Collections.Hashtable { ["Type"] = "Conv2D", ["Filters"] = 3, ["KernelSize"] = new[] { 3, 3 }, ["Name"] = "b", ["Inputs"] = new[] { "pad" }, ["Activation"] = "leaky_relu", ["UseBias"] = false },
            new System.Collections.Hashtable { ["Type"] = "Add", ["Inputs"] = new[] { "a", "b" }, ["Name"] = "sum" },
            new System.Collections.Hashtable { ["Type"] = "Concatenate", ["Inputs"] = new[] { "sum", "a" }, ["Axis"] = -1, ["Name"] = "cat" },
            new System.Collections.Hashtable { ["Type"] = "Activation", ["Activation"] = "tanh" },
            new System.Collections.Hashtable { ["Type"] = "GlobalAveragePooling2D" },
            new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 4, ["Activation"] = "softmax" }),
    };

    /// <summary>
    /// Our engine's outputs vs the exported module's on the same weights and inputs. Weights: small models that end in
    /// softmax are trained 3 steps by our engine (BatchNormalization statistics then move too); the others get random
    /// weights drawn per tensor (kernels N(0, 1/fan_in), biases and BN parameters around their initial values, moving
    /// variances in [0.5, 1.5]). Tolerance: |ours − torch| ≤ 1e-4 · max(1, |torch|) per output (float32 sums in a
    /// different order differ by a few ulps per layer; 1e-4 is the issue's bound). Also checks the file's own writer:
    /// the weights it saves load with Import-TrainedModel's reader, bit for bit.
    /// </summary>
    private void CompareWithEngine(ModelSpec spec)
    {
        PythonTorch.SkipUnlessAvailable();
        var model = ShapeInference.Resolve(spec);
        var dir = Directory.CreateTempSubdirectory("modelcost-export-").FullName;
        try
        {
            var trained = Weights(model);
            var py = Path.Combine(dir, "model.py");
            var weights = Path.Combine(dir, "weights.safetensors");
            PyTorchExporter.Save(spec, py, overwrite: false);
            TrainedModelFile.Save(trained, weights, overwrite: false);

            // Samples: 4, fewer for the big models (ResNet-50 ≈ 8 GFLOPs, GPT-2 small at 1,024 tokens ≈ 290 GFLOPs per sample).
            long flops = ModelCost.Core.Costing.CostCalculator.Measure(model).Total.InferenceFlops;
            int n = flops > 5e9 ? 1 : flops > 5e8 ? 2 : 4;
            var rng = new Random(5);
            using var session = InferenceSession.Create(trained, batchSize: n);
            var x = new float[n * session.InputSize];
            // Token models read ids: whole numbers below the smallest vocabulary that reads the input.
            int vocab = InputDtypes.IsInteger(spec)
                ? model.Layers.Where(l => l.Type == LayerTypes.Embedding && l.InputIndices.Contains(-1)).Min(l => l.InputDim) : 0;
            for (int i = 0; i < x.Length; i++) x[i] = vocab > 0 ? rng.Next(vocab) : (float)rng.NextDouble();
            var ours = new float[n * session.OutputSize];
            session.Run(x, ours);

            var inputs = Path.Combine(dir, "x.f32");
            var outputs = Path.Combine(dir, "y.f32");
            var resaved = Path.Combine(dir, "resaved.safetensors");
            File.WriteAllBytes(inputs, System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
            PythonTorch.Run(TimeSpan.FromMinutes(10), PythonTorch.PeerScript("check_pytorch_export.py"), "forward", py, weights, inputs,
                n.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs, resaved);
            var torch = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outputs)).ToArray();

            Assert.Equal(ours.Length, torch.Length);
            double worst = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                double err = Math.Abs(ours[i] - torch[i]) / Math.Max(1, Math.Abs(torch[i]));
                worst = Math.Max(worst, err);
                Assert.True(err <= 1e-4, $"{spec.Name}: output {i} ours {ours[i]:R} vs torch {torch[i]:R}");
            }
            output.WriteLine($"{spec.Name}: {ours.Length} outputs, worst scaled difference {worst:E2}");

            var back = TrainedModelFile.Load(resaved);
            Assert.Equal(spec, back.Spec);
            foreach (var (a, b) in trained.Tensors.Zip(back.Tensors))
            {
                Assert.Equal(a.Name, b.Name);
                Assert.Equal(a.Data, b.Data);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    private static TrainedModel Weights(ResolvedModel model)
    {
        var last = model.Layers[^1];
        bool small = model.InputShape.Aggregate(1L, (a, b) => a * b) <= 4096;
        if (small && last.Activation == Activations.Softmax && last.OutputShape.Length == 1)
        {
            // 24 random samples, batch 8, one epoch: 3 optimizer steps.
            int classes = last.OutputShape[0], size = model.InputShape.Aggregate(1, (a, b) => a * b);
            var rng = new Random(3);
            var xs = new float[24 * size];
            for (int i = 0; i < xs.Length; i++) xs[i] = (float)rng.NextDouble();
            var data = new TrainingData
            {
                Name = "random", SampleShape = model.InputShape, Classes = classes, TrainX = xs,
                TrainY = Enumerable.Range(0, 24).Select(i => i % classes).ToArray(), TestX = [], TestY = [],
            };
            var r = Trainer.Train(model.Spec, data, new TrainingOptions { Epochs = 1, BatchSize = 8, ValidationSplit = 0, Seed = 4, EvaluateTest = false, Threads = 2 });
            return r.GetTrainedModel();
        }
        var random = new Random(6);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var tensors = new List<NamedTensor>();
        foreach (var s in WeightLayout.For(model))
        {
            var data = new float[s.Elements];
            double fanIn = s.Shape.Length == 1 ? 1 : s.Shape[..^1].Aggregate(1.0, (a, b) => a * b);
            string leaf = s.Param[(s.Param.LastIndexOf('/') + 1)..]; // self_attention/query/kernel draws like a kernel
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)(leaf switch
                {
                    "kernel" or "depthwise_kernel" or "pointwise_kernel" or "recurrent_kernel" => Normal() * Math.Sqrt(1 / fanIn),
                    "gamma" => 1 + 0.1 * Normal(),
                    "moving_variance" => 0.5 + random.NextDouble(),
                    _ => 0.1 * Normal(),
                });
            tensors.Add(new NamedTensor(s.Name, s.Shape, data));
        }
        return new TrainedModel(model.Spec, tensors);
    }
}
