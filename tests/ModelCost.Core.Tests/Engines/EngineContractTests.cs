using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engines;

/// <summary>
/// The contract every engine keeps (IModelEngine's remarks), run once per engine. An engine joins by
/// adding its name to <see cref="Engines"/>; where it is not installed its rows are skipped, saying so.
/// Expected numbers are worked by hand in the comments, never taken from an engine, so every engine is
/// held to the same figures (tolerance 1e-5 on float32 arithmetic).
/// </summary>
public sealed class EngineContractTests
{
    /// <summary>The engines under contract. Add yours here.</summary>
    public static TheoryData<string> Engines => new() { "Managed" };

    private static IModelEngine Engine(string name)
    {
        var catalog = EngineCatalog.Default;
        Skip.IfNot(catalog.IsInstalled(name), $"The {name} engine is not installed here (expected at {catalog.AssemblyPath(name) ?? "a registered engine"}).");
        return catalog.Get(name);
    }

    /// <summary>Dense(2, softmax) on two features: logits = x·W + b.</summary>
    private static ModelSpec Linear() => LayerSpecFactory.Create("linear", [2], ["Dense(2, activation='softmax')"]);

    /// <summary>Identity kernel (Keras layout [in, out]) and zero bias: the logits are the features.</summary>
    private static TrainedModel IdentityWeights() => new(Linear(),
        [new NamedTensor("dense.kernel", [2, 2], [1f, 0f, 0f, 1f]), new NamedTensor("dense.bias", [2], [0f, 0f])]);

    /// <summary>n samples of two features in [0, 1); class 1 when the first feature is above 0.5 (separable by a line).</summary>
    private static TrainingData Separable(int train, int test)
    {
        var rnd = new Random(5);
        float[] X(int n) => Enumerable.Range(0, n * 2).Select(_ => (float)rnd.NextDouble()).ToArray();
        int[] Y(float[] x) => Enumerable.Range(0, x.Length / 2).Select(i => x[2 * i] > 0.5f ? 1 : 0).ToArray();
        var trainX = X(train);
        var testX = X(test);
        return new TrainingData { Name = "separable", SampleShape = [2], Classes = 2, TrainX = trainX, TrainY = Y(trainX), TestX = testX, TestY = Y(testX) };
    }

    private static TrainingOptions Quick(Action<TrainingOptions>? change = null)
    {
        var o = new TrainingOptions { Epochs = 10, BatchSize = 10, ValidationSplit = 0.2, LearningRate = 0.1, Seed = 1, Threads = 1, ProgressInterval = TimeSpan.Zero };
        change?.Invoke(o);
        return o;
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void The_catalogue_returns_the_engine_by_its_name_in_any_case(string name)
    {
        var engine = Engine(name);
        Assert.Equal(name, engine.Name);
        Assert.Same(engine, EngineCatalog.Default.Get(name.ToUpperInvariant()));
        Assert.Contains(name, EngineCatalog.Default.Names);
        Assert.NotEqual(EngineOperations.None, engine.Operations);
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void A_plain_dense_model_is_supported_for_every_operation_the_engine_offers(string name)
    {
        var engine = Engine(name);
        foreach (var op in new[] { EngineOperations.Train, EngineOperations.Evaluate, EngineOperations.MeasureLatency })
            if (engine.Operations.HasFlag(op))
                Assert.Empty(engine.Supports(Linear(), op));
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void What_the_engine_lacks_is_refused_before_any_data_is_read(string name)
    {
        var engine = Engine(name);
        // Layers some engine may lack. For each the engine reports, training must fail with UnsupportedByEngine
        // naming that layer — not with DatasetShapeMismatch, which the 7-feature data would cause once read.
        var exotic = new[]
        {
            LayerSpecFactory.Create("gru", [5, 3], [new LayerSpec { Type = "GRU", Units = 4, ResetAfter = false, Name = "old_gru" }, "Dense(2, activation='softmax')"]),
            LayerSpecFactory.Create("lstm", [5, 3], [new LayerSpec { Type = "LSTM", Units = 4, Activation = "softmax", Name = "odd_lstm" }, "Dense(2, activation='softmax')"]),
        };
        var wrongData = new TrainingData { Name = "seven", SampleShape = [7], Classes = 2, TrainX = new float[70], TrainY = new int[10], TestX = [], TestY = [] };
        int refused = 0;
        foreach (var spec in exotic)
        {
            var limits = engine.Supports(spec, EngineOperations.Train);
            if (limits.Count == 0 || !engine.Operations.HasFlag(EngineOperations.Train)) continue;
            var e = Assert.Throws<ModelCostException>(() => engine.Train(spec, wrongData, Quick(), null, default));
            Assert.Equal(ErrorIds.UnsupportedByEngine, e.ErrorId);
            Assert.Equal(limits[0].LayerName, e.LayerName);
            Assert.Contains(limits[0].Reason, e.Message);
            refused++;
        }
        if (name == EngineCatalog.ManagedName) Assert.Equal(2, refused); // the managed engine lacks both (docs/engine.md)
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void Evaluation_gives_the_hand_computed_loss_and_accuracy(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.Evaluate), $"{name} does not evaluate.");
        // Identity weights, so logits = x. Sample 1: x = (ln 3, 0), label 0 → p0 = 3/(3+1) = 0.75, loss −ln 0.75 = 0.2876821, correct.
        // Sample 2: x = (0, ln 3), label 0 → p0 = 1/(1+3) = 0.25, loss −ln 0.25 = 1.3862944, wrong (argmax is 1).
        // Mean loss (0.2876821 + 1.3862944) / 2 = 0.8369882; accuracy 1/2.
        float ln3 = (float)Math.Log(3);
        var data = new TrainingData { Name = "two", SampleShape = [2], Classes = 2, TrainX = [ln3, 0f, 0f, ln3], TrainY = [0, 0], TestX = [ln3, 0f, 0f, ln3], TestY = [0, 0] };
        var r = engine.Evaluate(IdentityWeights(), data, new EvaluationOptions { Threads = 1 }, default);
        Assert.Equal(name, r.Engine);
        Assert.Equal(DatasetSplit.Test, r.Split);
        Assert.Equal(2, r.Samples);
        Assert.Equal(0.8369882, r.Loss, 1e-5);
        Assert.Equal(0.5, r.Accuracy);
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void Training_learns_a_separable_problem_and_hands_back_weights_in_the_shared_layout(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.Train), $"{name} does not train.");
        var r = engine.Train(Linear(), Separable(200, 100), Quick(), null, default);
        Assert.Equal(name, r.Engine);
        Assert.Equal(TrainingStatus.Completed, r.Status);
        Assert.Null(r.StatusMessage);
        Assert.Null(r.ToException());
        Assert.Equal(10, r.History.Count);
        Assert.Equal(Enumerable.Range(1, 10), r.History.Select(h => h.Epoch));
        // 2·2 + 2 = 6 parameters; a line through x0 = 0.5 separates the classes, so the test split is learned.
        Assert.Equal(6, r.Params);
        Assert.True(r.TestAccuracy > 0.9, $"test accuracy {r.TestAccuracy}");
        // Weights travel between engines in one layout: names and shapes of WeightLayout.
        var expected = WeightLayout.For(ShapeInference.Resolve(Linear())).Select(s => (s.Name, string.Join(",", s.Shape)));
        Assert.Equal(expected, r.GetTrainedModel().Tensors.Select(t => (t.Name, string.Join(",", t.Shape))));
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void Weights_trained_by_the_managed_engine_evaluate_to_the_same_numbers(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.Evaluate), $"{name} does not evaluate.");
        var data = Separable(200, 100);
        var managed = new ManagedEngine();
        var trained = managed.Train(Linear(), data, Quick(), null, default).GetTrainedModel();
        var reference = managed.Evaluate(trained, data, new EvaluationOptions { Threads = 1 }, default);
        var other = engine.Evaluate(trained, data, new EvaluationOptions { Threads = 1 }, default);
        Assert.Equal(reference.Loss, other.Loss, 1e-5);
        Assert.Equal(reference.Accuracy, other.Accuracy);
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void A_loss_that_blows_up_is_a_Diverged_result_with_finite_weights(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.Train), $"{name} does not train.");
        // SGD at 1e300 is infinite in float32: the first step makes the weights non-finite, the second batch's loss is NaN.
        var r = engine.Train(Linear(), Separable(200, 20), Quick(o => { o.Optimizer = TrainingOptimizer.SGD; o.LearningRate = 1e300; }), null, default);
        Assert.Equal(TrainingStatus.Diverged, r.Status);
        Assert.Equal(ErrorIds.TrainingDiverged, r.ToException()!.ErrorId);
        Assert.Contains("diverged", r.StatusMessage);
        Assert.All(r.GetTrainedModel().Tensors, t => Assert.All(t.Data, v => Assert.True(float.IsFinite(v))));
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void Cancellation_is_a_Cancelled_result_not_an_exception(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.Train), $"{name} does not train.");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = engine.Train(Linear(), Separable(200, 20), Quick(), null, cts.Token);
        Assert.Equal(TrainingStatus.Cancelled, r.Status);
        Assert.Empty(r.History);
        Assert.Equal(ErrorIds.OperationCancelled, r.ToException()!.ErrorId);
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void Latency_names_the_engine_and_counts_the_flops_by_hand(string name)
    {
        var engine = Engine(name);
        Skip.IfNot(engine.Operations.HasFlag(EngineOperations.MeasureLatency), $"{name} does not measure latency.");
        // Dense(2) on 2 inputs under Flops: 2 multiply-adds per output × 2 outputs × 2 FLOPs = 8 per sample; batch 3 → 24.
        var m = engine.MeasureLatency(Linear(), new LatencyOptions { BatchSize = 3, Iterations = 5, Warmup = 1 }, default);
        Assert.Equal(name, m.Engine);
        Assert.Equal("Initialised", m.Weights);
        Assert.Equal(24, m.InferenceFlops);
        Assert.True(m.MinSeconds <= m.MedianSeconds && m.MedianSeconds <= m.P90Seconds);
        Assert.Equal("Trained", engine.MeasureLatency(IdentityWeights(), new LatencyOptions { Iterations = 3, Warmup = 0 }, default).Weights);
    }

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void An_engine_option_the_engine_does_not_know_is_refused_by_name(string name)
    {
        var engine = Engine(name);
        var options = new LatencyOptions { Iterations = 1, EngineOptions = new Dictionary<string, object?> { ["NoSuchOption"] = 1 } };
        var e = Assert.Throws<ModelCostException>(() => engine.MeasureLatency(Linear(), options, default));
        Assert.True(e.ErrorId is ErrorIds.InvalidEngineOption or ErrorIds.UnsupportedByEngine, e.ErrorId);
        if (e.ErrorId == ErrorIds.InvalidEngineOption)
        {
            Assert.Equal("NoSuchOption", e.Option);
            Assert.Contains("NoSuchOption", e.Message);
        }
    }
}
