using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Engine;
using Xunit;

namespace ModelCost.Core.Tests.Engines;

/// <summary>
/// The managed and Torch engines held to each other (issue 11, item 3). The reference is the other engine, so what
/// is checked is that two independent implementations of the Keras semantics (our kernels; libtorch's) agree:
/// the same initial weights and batch give logits, loss and every weight gradient equal to 1e-4 relative to the
/// tensor's largest magnitude; one epoch of the seed MLP and CNN on Fashion-MNIST ends within 1 accuracy point;
/// weights trained by one engine, saved as safetensors and loaded again, evaluate to the same loss on the other.
/// Skipped, saying where it looked, when the Torch engine is not installed ('./build.ps1 torch').
/// </summary>
public sealed class CrossEngineTests
{
    private const double Relative = 1e-4;

    /// <summary>
    /// Example specs a unit test can step: all but the ImageNet-sized and the 100M-parameter language models
    /// (resnet18, resnet50, vgg16 at 224×224; bert_base, gpt2_small), whose single step would take minutes here.
    /// </summary>
    public static TheoryData<string> Specs
    {
        get
        {
            var skip = new[] { "resnet18.yaml", "resnet50.yaml", "vgg16.yaml", "bert_base.yaml", "gpt2_small.yaml" };
            var data = new TheoryData<string>();
            foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
                if (!skip.Contains(f)) data.Add(f!);
            return data;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Specs))]
    public void The_same_weights_and_batch_give_the_same_logits_loss_and_gradients_on_both_engines(string file) =>
        SameStep(file, ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", file)));

    /// <summary>Layers and options the example specs do not reach, each in a small classifier.</summary>
    public static TheoryData<string> Layers => new()
    {
        "lstm", "lstm_sequences", "gru", "gru_before", "simple_rnn_relu", "same_pooling", "depthwise_separable", "conv1d_pooling",
        "batchnorm_dropout", "merge", "padding_cropping", "activations", "binary", "token_decoder", "cross_attention",
    };

    private static ModelSpec LayerCase(string name) => name switch
    {
        "lstm" => LayerSpecFactory.Create(name, [5, 3], ["LSTM(4)", "Dense(3, activation='softmax')"]),
        "lstm_sequences" => LayerSpecFactory.Create(name, [5, 3], ["LSTM(4, return_sequences=True)", "Flatten()", "Dense(3, activation='softmax')"]),
        "gru" => LayerSpecFactory.Create(name, [5, 3], ["GRU(4)", "Dense(3, activation='softmax')"]),
        "gru_before" => LayerSpecFactory.Create(name, [5, 3], [new LayerSpec { Type = "GRU", Units = 4, ResetAfter = false }, "Dense(3, activation='softmax')"]),
        "simple_rnn_relu" => LayerSpecFactory.Create(name, [5, 3], ["SimpleRNN(4, activation='relu')", "Dense(3, activation='softmax')"]),
        // 7×7 with pool 2 stride 2 "same": Keras pads one cell after (asymmetric); the average leaves it out.
        "same_pooling" => LayerSpecFactory.Create(name, [7, 7, 2], ["Conv2D(3, 2, strides=2, padding='same')", "AveragePooling2D(2, padding='same')",
            "MaxPooling2D(2, padding='same')", "Flatten()", "Dense(3, activation='softmax')"]),
        "depthwise_separable" => LayerSpecFactory.Create(name, [8, 8, 2], ["DepthwiseConv2D(3, depth_multiplier=2, padding='same')",
            "SeparableConv2D(3, 3, strides=2, activation='relu')", "GlobalAveragePooling2D()", "Dense(3, activation='softmax')"]),
        "conv1d_pooling" => LayerSpecFactory.Create(name, [9, 2], ["Conv1D(3, 3, padding='same', activation='elu')", "MaxPooling1D(2)",
            "AveragePooling1D(2, padding='same')", "GlobalAveragePooling1D()", "Dense(3, activation='softmax')"]),
        "batchnorm_dropout" => LayerSpecFactory.Create(name, [6, 6, 2], ["Conv2D(4, 3)", "BatchNormalization()", "Activation('relu')", "Flatten()",
            "Dropout(0.3)", "Dense(8, activation='selu')", "Dropout(0.5)", "Dense(3, activation='softmax')"]),
        "merge" => LayerSpecFactory.Create(name, [6, 6, 2],
        [
            new LayerSpec { Type = "Conv2D", Filters = 2, KernelSize = [3], Padding = "same", Name = "a" },
            new LayerSpec { Type = "Add", Inputs = ["a", "input"], Name = "sum" },
            new LayerSpec { Type = "Conv2D", Filters = 3, KernelSize = [1], Name = "b", Inputs = ["sum"] },
            new LayerSpec { Type = "Concatenate", Inputs = ["sum", "b"], Name = "cat" },
            new LayerSpec { Type = "GlobalMaxPooling2D", Name = "gmp" },
            "Dense(3, activation='softmax')",
        ]),
        "padding_cropping" => LayerSpecFactory.Create(name, [4, 4, 2],
        [
            new LayerSpec { Type = "ZeroPadding2D", ZeroPadding = [1, 2, 0, 1] }, "Conv2D(2, 3)",
            new LayerSpec { Type = "Reshape", TargetShape = [15, 2] }, new LayerSpec { Type = "Cropping1D", Cropping = [1, 2] },
            "Flatten()", "Dense(3, activation='softmax')",
        ]),
        "activations" => LayerSpecFactory.Create(name, [6],
        [
            "Dense(6, activation='gelu')", "Dense(6, activation='swish')", "Dense(6, activation='softplus')", "Dense(6, activation='softsign')",
            "Dense(6, activation='hard_sigmoid')", "Dense(6, activation='relu6')", "Dense(6, activation='leaky_relu')", "Dense(6, activation='tanh')",
            "Dense(6, activation='exponential')", "Dense(3)",
        ]),
        "binary" => LayerSpecFactory.Create(name, [4], ["Dense(5, activation='sigmoid')", "Dense(1, activation='sigmoid')"]),
        // Token ids through Embedding + PositionEmbedding into a pre-LN causal block with dropout everywhere it applies.
        "token_decoder" => LayerSpecFactory.Create(name, [6],
        [
            new LayerSpec { Type = "Embedding", InputDim = 20, OutputDim = 8, Name = "tokens" },
            new LayerSpec { Type = "PositionEmbedding", SequenceLength = 6, Name = "positions" },
            new LayerSpec { Type = "Add", Inputs = ["tokens", "positions"], Name = "embedded" },
            new LayerSpec { Type = "TransformerDecoder", IntermediateDim = 16, NumHeads = 2, Dropout = 0.2, NormalizeFirst = true, Activation = "gelu" },
            new LayerSpec { Type = "TransformerEncoder", IntermediateDim = 12, NumHeads = 2, Dropout = 0.1 },
            "GlobalAveragePooling1D()", "Dense(3, activation='softmax')",
        ], inputDtype: "int32"),
        // Three-input causal cross-attention (query, value, key of different widths) with attention dropout.
        "cross_attention" => LayerSpecFactory.Create(name, [5, 4],
        [
            new LayerSpec { Type = "Dense", Units = 6, Name = "q" },
            new LayerSpec { Type = "Dense", Units = 3, Name = "v", Inputs = ["input"] },
            new LayerSpec { Type = "MultiHeadAttention", NumHeads = 2, KeyDim = 3, ValueDim = 2, Dropout = 0.3, UseCausalMask = true, Inputs = ["q", "v", "input"], Name = "mha" },
            new LayerSpec { Type = "LayerNormalization", Name = "ln" },
            "Flatten()", "Dense(3, activation='softmax')",
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [SkippableTheory]
    [MemberData(nameof(Layers))]
    public void Every_layer_kind_gives_the_same_logits_loss_and_gradients_on_both_engines(string name) => SameStep(name, LayerCase(name));

    [SkippableFact]
    public void Permute_and_MatMul_which_only_the_Torch_engine_runs_match_the_managed_engine_on_the_rearranged_input()
    {
        var torch = Assert.IsAssignableFrom<IEngineProbe>(InstalledEngines.Get("Torch"));
        var rnd = new Random(4);
        const int n = 2;
        var x = Enumerable.Range(0, n * 4 * 5).Select(_ => (float)rnd.NextDouble()).ToArray();
        int[] labels = [0, 2];
        // Permute((2, 1)) of a (4, 5) sample is its transpose: a Dense on the flattened transpose, run by the managed
        // engine on transposed samples, is the same function with the same kernel.
        var permuted = LayerSpecFactory.Create("permuted", [4, 5], [new LayerSpec { Type = "Permute", Dims = [2, 1] }, "Flatten()", "Dense(3, activation='softmax', name='out')"]);
        var plain = LayerSpecFactory.Create("permuted", [5, 4], ["Flatten()", "Dense(3, activation='softmax', name='out')"]);
        var weights = WeightInitializer.InitialTensors(ShapeInference.Resolve(plain), seed: 2);
        var transposed = new float[x.Length];
        for (int s = 0; s < n; s++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                    transposed[s * 20 + j * 4 + i] = x[s * 20 + i * 5 + j];
        var a = torch.Probe(new TrainedModel(permuted, weights), x, labels, LossKind.SparseCategoricalCrossentropy, seed: 1);
        var b = new ManagedEngine().Probe(new TrainedModel(plain, weights), transposed, labels, LossKind.SparseCategoricalCrossentropy, seed: 1);
        Close("permute logits", b.Logits, a.Logits);
        Close("permute kernel gradient", b.Gradients[0].Data, a.Gradients[0].Data);

        // MatMul(x, Permute(x)) = x·xᵀ, a (4, 4) Gram matrix per sample, computed here in double and fed to the managed engine.
        var gram = LayerSpecFactory.Create("gram", [4, 5],
        [
            new LayerSpec { Type = "Permute", Dims = [2, 1], Name = "xt" },
            new LayerSpec { Type = "MatMul", Inputs = ["input", "xt"], Name = "xxt" },
            "Flatten()", "Dense(3, activation='softmax', name='out')",
        ]);
        var direct = LayerSpecFactory.Create("gram", [4, 4], ["Flatten()", "Dense(3, activation='softmax', name='out')"]);
        var products = new float[n * 16];
        for (int s = 0; s < n; s++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    products[s * 16 + i * 4 + j] = (float)Enumerable.Range(0, 5).Sum(k => (double)x[s * 20 + i * 5 + k] * x[s * 20 + j * 5 + k]);
        var gw = WeightInitializer.InitialTensors(ShapeInference.Resolve(direct), seed: 6);
        var c = torch.Probe(new TrainedModel(gram, gw), x, labels, LossKind.SparseCategoricalCrossentropy, seed: 1);
        var d = new ManagedEngine().Probe(new TrainedModel(direct, gw), products, labels, LossKind.SparseCategoricalCrossentropy, seed: 1);
        Close("matmul logits", d.Logits, c.Logits);
        Close("matmul kernel gradient", d.Gradients[0].Data, c.Gradients[0].Data);
    }

    [SkippableFact]
    public void A_layer_the_Torch_engine_cannot_express_is_refused_by_name_before_any_data_is_read()
    {
        var torch = InstalledEngines.Get("Torch");
        // recurrent_bias (imported from ONNX/PyTorch) is costed, but the shared weight layout holds no second bias.
        var spec = LayerSpecFactory.Create("two_biases", [5, 3], [new LayerSpec { Type = "LSTM", Units = 4, RecurrentBias = true, Name = "onnx_lstm" }, "Dense(2, activation='softmax')"]);
        var limit = Assert.Single(torch.Supports(spec, EngineOperations.Train));
        Assert.Equal(("onnx_lstm", "recurrent_bias"), (limit.LayerName, limit.Option));
        var wrongData = new TrainingData { Name = "seven", SampleShape = [7], Classes = 2, TrainX = new float[70], TrainY = new int[10], TestX = [], TestY = [] };
        var e = Assert.Throws<Errors.ModelCostException>(() => torch.Train(spec, wrongData, new TrainingOptions(), null, default));
        Assert.Equal(Errors.ErrorIds.UnsupportedByEngine, e.ErrorId);
        Assert.Equal("onnx_lstm", e.LayerName);
        Assert.Contains("recurrent_bias", e.Message);
    }

    [SkippableFact]
    public void A_GRU_with_reset_after_False_which_only_the_Torch_engine_runs_follows_the_Keras_equations()
    {
        var torch = Assert.IsAssignableFrom<IEngineProbe>(InstalledEngines.Get("Torch"));
        // GRU(1, reset_after=False) on two steps of one feature, then Dense(2) with kernel (1, −1): logits (h2, −h2).
        // Keras (reset_after=False), gates z, r, h in that order along the kernels' last axis, h0 = 0:
        //   z_t = σ(x_t·Wz + h·Uz + bz), r_t = σ(x_t·Wr + h·Ur + br), h̃_t = tanh(x_t·Wh + (r_t·h)·Uh + bh), h_t = z_t·h + (1 − z_t)·h̃_t.
        var spec = LayerSpecFactory.Create("gru_before", [2, 1], [new LayerSpec { Type = "GRU", Units = 1, ResetAfter = false, Name = "gru" }, "Dense(2, activation='softmax', name='out')"]);
        float[] w = [0.5f, -0.3f, 0.8f], u = [0.4f, 0.9f, -0.6f], b = [0.1f, 0.2f, -0.1f];
        var weights = new TrainedModel(spec,
        [
            new NamedTensor("gru.kernel", [1, 3], w), new NamedTensor("gru.recurrent_kernel", [1, 3], u), new NamedTensor("gru.bias", [3], b),
            new NamedTensor("out.kernel", [1, 2], [1f, -1f]), new NamedTensor("out.bias", [2], [0f, 0f]),
        ]);
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double h = 0;
        foreach (double x in new[] { 1.0, -2.0 })
        {
            double z = Sigmoid(x * w[0] + h * u[0] + b[0]), r = Sigmoid(x * w[1] + h * u[1] + b[1]);
            double candidate = Math.Tanh(x * w[2] + r * h * u[2] + b[2]);
            h = z * h + (1 - z) * candidate;
        }
        var result = torch.Probe(weights, [1f, -2f], [0], LossKind.SparseCategoricalCrossentropy, seed: 0);
        Assert.Equal(h, result.Logits[0], 1e-6);
        Assert.Equal(-h, result.Logits[1], 1e-6);
        // Loss of label 0: −log softmax(h, −h)[0] = log(1 + e^(−2h)).
        Assert.Equal(Math.Log(1 + Math.Exp(-2 * h)), result.Loss, 1e-6);
    }

    private static void SameStep(string file, ModelSpec spec)
    {
        var torch = InstalledEngines.Get("Torch");
        var model = ShapeInference.Resolve(spec);
        var last = model.Layers[^1];
        Skip.If(last.OutputShape.Length != 1 || last.Activation is not (Activations.Softmax or Activations.Sigmoid or Activations.Linear),
            $"{file} does not end in a class vector with softmax, sigmoid or linear output, so it does not train with our losses.");
        var limits = torch.Supports(spec, EngineOperations.Train);
        Skip.If(limits.Count > 0, $"The Torch engine cannot run {file}: {string.Join("; ", limits)}");
        var managedLimits = new ManagedEngine().Supports(spec, EngineOperations.Train);
        Skip.If(managedLimits.Count > 0, $"The managed engine cannot run {file}, so there is nothing to compare: {string.Join("; ", managedLimits)}");

        const int n = 3;
        var weights = new TrainedModel(spec, WeightInitializer.InitialTensors(model, seed: 3));
        var rnd = new Random(11);
        int sample = (int)ShapeInference.Elements(model.InputShape), width = last.OutputShape[0];
        int vocabulary = model.Layers.Where(l => l.Type == LayerTypes.Embedding).Select(l => l.InputDim).DefaultIfEmpty(0).Min();
        var inputs = Enumerable.Range(0, n * sample)
            .Select(_ => spec.InputDtype == "int32" ? rnd.Next(vocabulary) : (float)rnd.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => i % Math.Max(width, 2)).ToArray();
        var loss = last.Activation == Activations.Sigmoid ? LossKind.BinaryCrossentropy : LossKind.SparseCategoricalCrossentropy;

        var managed = new ManagedEngine().Probe(weights, inputs, labels, loss, seed: 5);
        var other = Assert.IsAssignableFrom<IEngineProbe>(torch).Probe(weights, inputs, labels, loss, seed: 5);

        Close("logits", managed.Logits, other.Logits);
        Assert.True(Math.Abs(managed.Loss - other.Loss) <= Relative * Math.Max(Math.Abs(managed.Loss), 1e-3), $"loss {managed.Loss} (managed) vs {other.Loss} (Torch)");
        Assert.Equal(managed.Gradients.Select(g => g.Name), other.Gradients.Select(g => g.Name));
        // A gradient that is exactly zero in real arithmetic (an attention key bias: softmax ignores a per-row constant;
        // a bias just before BatchNormalization) is rounding noise on both engines, so no tensor's scale is taken
        // below 1% of the model's largest gradient.
        double floor = 0.01 * managed.Gradients.SelectMany(g => g.Data).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        foreach (var (m, t) in managed.Gradients.Zip(other.Gradients))
        {
            Assert.Equal(m.Shape, t.Shape);
            Close(m.Name + " gradient", m.Data, t.Data, floor);
        }
    }

    [SkippableFact]
    public void One_epoch_of_the_seed_MLP_and_CNN_on_Fashion_MNIST_ends_within_one_accuracy_point_and_the_weights_swap_engines()
    {
        var torch = InstalledEngines.Get("Torch");
        var data = TestIdx.Fashion();
        Skip.If(data is null, $"Fashion-MNIST not found at {TestIdx.FashionDir}");
        var managed = new ManagedEngine();
        foreach (var file in new[] { "seed000_mlp.yaml", "seed000_cnn.yaml" })
        {
            var spec = ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", file));
            var options = new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 0, Threads = 2 };
            var a = managed.Train(spec, data, options, null, default);
            var b = torch.Train(spec, data, options, null, default);
            Assert.Equal("Managed", a.Engine);
            Assert.Equal("Torch", b.Engine);
            Assert.Equal(TrainingStatus.Completed, b.Status);
            // Same initial weights, batches and optimiser: the runs differ by float32 rounding only.
            Assert.True(Math.Abs(a.TestAccuracy - b.TestAccuracy) <= 0.01, $"{file}: test accuracy {a.TestAccuracy} (managed) vs {b.TestAccuracy} (Torch)");

            // Weights travel through the safetensors file: each engine's weights evaluate alike on the other.
            foreach (var (trained, evaluator, reference) in new (TrainingResult, IModelEngine, IModelEngine)[] { (b, managed, torch), (a, torch, managed) })
            {
                var path = Path.Combine(Path.GetTempPath(), $"cross-{Guid.NewGuid():N}.safetensors");
                try
                {
                    TrainedModelFile.Save(trained.GetTrainedModel(), path, overwrite: false);
                    var loaded = TrainedModelFile.Load(path);
                    var eval = new EvaluationOptions { Threads = 2 };
                    var there = evaluator.Evaluate(loaded, data, eval, default);
                    var here = reference.Evaluate(trained.GetTrainedModel(), data, eval, default);
                    Assert.Equal(here.Accuracy, there.Accuracy, 3);
                    Assert.True(Math.Abs(here.Loss - there.Loss) <= Relative * here.Loss, $"{file} trained by {trained.Engine}: loss {here.Loss} on {reference.Name}, {there.Loss} on {evaluator.Name}");
                }
                finally { File.Delete(path); }
            }
        }
    }

    private static void Close(string what, float[] expected, float[] actual, double floor = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max(), floor);
        double worst = 0; int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (d > worst) (worst, at) = (d, i);
        }
        Assert.True(worst <= Relative * Math.Max(scale, 1e-6),
            $"{what}: largest difference {worst:E3} at {at} (managed {(at >= 0 ? expected[at] : 0)}, Torch {(at >= 0 ? actual[at] : 0)}) exceeds {Relative} × {scale:E3}");
    }
}
