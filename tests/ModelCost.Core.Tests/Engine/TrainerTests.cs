using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

public class TrainerTests
{
    /// <summary>Two Gaussian blobs per class in a space of `shape`; the class is decided by the sign pattern of two coordinates.</summary>
    private static TrainingData Synthetic(int[] shape, int classes, int train, int test, int seed = 1)
    {
        int size = shape.Aggregate(1, (a, b) => a * b);
        var rng = new DeterministicRandom((ulong)seed);
        (float[], int[]) Make(int n)
        {
            var x = new float[n * size];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                int c = rng.NextInt(classes);
                y[i] = c;
                for (int j = 0; j < size; j++) x[i * size + j] = (float)(0.5 * rng.NextNormal() + (j % classes == c ? 1.0 : 0.0));
            }
            return (x, y);
        }
        var (trX, trY) = Make(train);
        var (teX, teY) = Make(test);
        return new TrainingData { Name = "synthetic", SampleShape = shape, Classes = classes, TrainX = trX, TrainY = trY, TestX = teX, TestY = teY };
    }

    private static ModelSpec SmallMlp(int[] input, int classes) =>
        new()
        {
            Name = "small", InputShape = input,
            Layers = [.. (input.Length > 1 ? new[] { L("Flatten") } : []), L("Dense", units: 16, activation: "relu"), L("Dropout", rate: 0.2), L("Dense", units: classes, activation: "softmax")],
        };

    private static ModelCostException Throws(Action a) => Assert.Throws<ModelCostException>(a);

    [Fact]
    public void InvalidOptionsAreRejectedNamingTheOption()
    {
        var data = Synthetic([4, 4], 3, 100, 20);
        var spec = SmallMlp([4, 4], 3);
        foreach (var (opts, option) in new (TrainingOptions, string)[]
        {
            (new() { BatchSize = 91 }, "BatchSize"),            // 100 samples, split 0.1 → 90 train
            (new() { ValidationSplit = 1 }, "ValidationSplit"),
            (new() { ValidationSplit = -0.1 }, "ValidationSplit"),
            (new() { ValidationSplit = double.NaN }, "ValidationSplit"),
            (new() { Epochs = 0 }, "Epochs"),
            (new() { Optimizer = (TrainingOptimizer)99 }, "Optimizer"),
            (new() { LearningRate = double.NaN }, "LearningRate"),
            (new() { LearningRate = 0 }, "LearningRate"),
            (new() { Threads = -1 }, "Threads"),
            (new() { Loss = (LossKind)99 }, "Loss"),
        })
        {
            var e = Throws(() => Trainer.Train(spec, data, opts));
            Assert.Equal(ErrorIds.InvalidTrainingOption, e.ErrorId);
            Assert.Equal(option, e.Option);
        }
        // ValidationSplit 0 is allowed (no validation: NaN val metrics).
        var r = Trainer.Train(spec, data, new TrainingOptions { ValidationSplit = 0, Epochs = 1, BatchSize = 100 });
        Assert.True(double.IsNaN(r.ValLoss));
    }

    [Fact]
    public void SampleShapeFollowsKerasReshapeRule()
    {
        // (4, 4) samples feed a model declared (4, 4, 1): same 16 floats.
        var data = Synthetic([4, 4], 2, 64, 16);
        var r = Trainer.Train(new ModelSpec { Name = "cnn", InputShape = [4, 4, 1], Layers = [L("Conv2D", filters: 2, kernel: [3]), L("Flatten"), L("Dense", units: 2, activation: "softmax")] },
            data, new TrainingOptions { Epochs = 1, BatchSize = 16 });
        Assert.Equal(TrainingStatus.Completed, r.Status);
        var e = Throws(() => Trainer.Train(SmallMlp([5, 4], 2), data, new TrainingOptions { Epochs = 1 }));
        Assert.Equal(ErrorIds.DatasetShapeMismatch, e.ErrorId);
        Assert.Contains("(None, 5, 4)", e.Message);
        Assert.Contains("(None, 4, 4)", e.Message);
    }

    [Fact]
    public void OutputMustBeTheClassVector()
    {
        var data = Synthetic([4, 4], 3, 200, 16);
        // Forgot Flatten: Dense on (4, 4) gives (4, 3).
        var e = Throws(() => Trainer.Train(new ModelSpec { Name = "m", InputShape = [4, 4], Layers = [L("Dense", units: 3, activation: "softmax")] }, data, new TrainingOptions()));
        Assert.Equal(ErrorIds.ModelOutputMismatch, e.ErrorId);
        Assert.Contains("Flatten", e.Message);
        e = Throws(() => Trainer.Train(SmallMlp([4, 4], 5), data, new TrainingOptions()));
        Assert.Equal(ErrorIds.ModelOutputMismatch, e.ErrorId);
        // Cross-entropy on a relu output is refused up front (Keras would need probabilities).
        e = Throws(() => Trainer.Train(new ModelSpec { Name = "m", InputShape = [4, 4], Layers = [L("Flatten"), L("Dense", units: 3, activation: "relu")] }, data, new TrainingOptions()));
        Assert.Equal(ErrorIds.InvalidTrainingOption, e.ErrorId);
    }

    [Fact]
    public void UnsupportedActivationInsideRnnFailsAtBuildNamingTheLayer()
    {
        var data = Synthetic([5, 3], 2, 200, 16);
        var spec = new ModelSpec { Name = "m", InputShape = [5, 3], Layers = [new LayerSpec { Type = "LSTM", Units = 4, Activation = "softmax", Name = "rnn" }, L("Dense", units: 2, activation: "softmax")] };
        var e = Throws(() => Trainer.Train(spec, data, new TrainingOptions { Epochs = 1 }));
        Assert.Equal(ErrorIds.UnsupportedByEngine, e.ErrorId);
        Assert.Equal("rnn", e.LayerName);
    }

    [Fact]
    public void SameSeedAndThreadsGiveIdenticalHistoryAndWeights()
    {
        var data = Synthetic([6, 6, 1], 3, 300, 50);
        var spec = new ModelSpec
        {
            Name = "det", InputShape = [6, 6, 1],
            Layers = [L("Conv2D", filters: 4, kernel: [3], activation: "relu"), L("BatchNormalization"), L("MaxPooling2D"), L("Flatten"), L("Dropout", rate: 0.3), L("Dense", units: 3, activation: "softmax")],
        };
        var o = new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 42, Threads = 2 };
        var a = Trainer.Train(spec, data, o);
        var b = Trainer.Train(spec, data, o);
        Assert.Equal(a.History.Select(h => (h.Loss, h.Accuracy, h.ValLoss, h.ValAccuracy)), b.History.Select(h => (h.Loss, h.Accuracy, h.ValLoss, h.ValAccuracy)));
        Assert.Equal(a.TestLoss, b.TestLoss);
        var ta = a.GetTrainedModel().Tensors; var tb = b.GetTrainedModel().Tensors;
        Assert.Equal(ta.Select(t => t.Name), tb.Select(t => t.Name));
        for (int i = 0; i < ta.Count; i++) Assert.Equal(ta[i].Data, tb[i].Data);
        var c = Trainer.Train(spec, data, new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 43, Threads = 2 });
        Assert.NotEqual(a.History[0].Loss, c.History[0].Loss);
    }

    [Fact]
    public void HugeLearningRateDivergesWithLastGoodWeights()
    {
        var data = Synthetic([8], 3, 256, 32);
        var spec = new ModelSpec { Name = "div", InputShape = [8], Layers = [L("Dense", units: 32, activation: "relu"), L("Dense", units: 3, activation: "softmax")] };
        var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 20, BatchSize = 16, Optimizer = TrainingOptimizer.SGD, LearningRate = 1e6 });
        Assert.Equal(TrainingStatus.Diverged, r.Status);
        Assert.Equal(ErrorIds.TrainingDiverged, r.ToException()!.ErrorId);
        Assert.Contains("diverged", r.StatusMessage);
        var tensors = r.GetTrainedModel().Tensors;
        Assert.Equal(["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"], tensors.Select(t => t.Name));
        Assert.All(tensors, t => Assert.All(t.Data, v => Assert.True(float.IsFinite(v))));
        // The weights handed back still give a finite loss: they are the last good ones.
        var eval = Evaluator.Evaluate(r.GetTrainedModel(), data, new EvaluationOptions { Split = DatasetSplit.Train });
        Assert.True(double.IsFinite(eval.Loss));
    }

    [Fact]
    public void CancellationStopsWithinABatch()
    {
        var data = Synthetic([8], 3, 2000, 32);
        using var cts = new CancellationTokenSource();
        int reportsAfterCancel = 0;
        var progress = new SyncProgress(p => { if (cts.IsCancellationRequested) reportsAfterCancel++; if (p.Batch >= 3) cts.Cancel(); });
        var r = Trainer.Train(SmallMlp([8], 3), data,
            new TrainingOptions { Epochs = 50, BatchSize = 8, ProgressInterval = TimeSpan.Zero }, progress, cts.Token);
        Assert.Equal(TrainingStatus.Cancelled, r.Status);
        Assert.Equal(ErrorIds.OperationCancelled, r.ToException()!.ErrorId);
        Assert.Equal(0, reportsAfterCancel);
    }

    [Fact]
    public void ProgressReportsEveryBatchWhenAskedAndEndsEachEpoch()
    {
        var data = Synthetic([8], 3, 100, 10);
        var seen = new List<TrainingProgress>();
        Trainer.Train(SmallMlp([8], 3), data, new TrainingOptions { Epochs = 2, BatchSize = 30, ProgressInterval = TimeSpan.Zero }, new SyncProgress(seen.Add));
        // 90 training samples / 30 = 3 batches per epoch, 2 epochs.
        Assert.Equal(6, seen.Count);
        Assert.Equal([1, 2, 3, 1, 2, 3], seen.Select(p => p.Batch));
        Assert.All(seen, p => Assert.Equal(3, p.Batches));
        Assert.Equal(1.0, seen[^1].Fraction, 9);
    }

    [Fact]
    public void LstmLossDecreases()
    {
        // Sequences of 6 steps × 3 features; the class shifts the mean of one feature.
        var data = Synthetic([6, 3], 3, 240, 60, seed: 3);
        var spec = new ModelSpec { Name = "lstm", InputShape = [6, 3], Layers = [L("LSTM", units: 8), L("Dense", units: 3, activation: "softmax")] };
        var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 4, BatchSize = 16, LearningRate = 0.01 });
        Assert.True(r.History[^1].Loss < r.History[0].Loss * 0.8, $"loss {r.History[0].Loss} → {r.History[^1].Loss}");
    }

    [Fact]
    public void GruAndSimpleRnnTrain()
    {
        var data = Synthetic([6, 3], 3, 240, 60, seed: 4);
        foreach (var type in new[] { "GRU", "SimpleRNN" })
        {
            var spec = new ModelSpec { Name = type, InputShape = [6, 3], Layers = [L(type, units: 8), L("Dense", units: 3, activation: "softmax")] };
            var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 4, BatchSize = 16, LearningRate = 0.01 });
            Assert.True(r.History[^1].Loss < r.History[0].Loss * 0.8, $"{type}: loss {r.History[0].Loss} → {r.History[^1].Loss}");
        }
    }

    [Fact]
    public void Conv3DLossDecreases()
    {
        var data = Synthetic([4, 6, 6, 1], 2, 160, 40, seed: 5);
        var spec = new ModelSpec
        {
            Name = "c3d", InputShape = [4, 6, 6, 1],
            Layers = [L("Conv3D", filters: 4, kernel: [3], activation: "relu", padding: "same"), L("MaxPooling3D"), L("Flatten"), L("Dense", units: 2, activation: "softmax")],
        };
        var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 4, BatchSize = 16 });
        Assert.True(r.History[^1].Loss < r.History[0].Loss * 0.8, $"loss {r.History[0].Loss} → {r.History[^1].Loss}");
    }

    [Fact]
    public void EvaluatorAndInferenceSessionAgreeWithTraining()
    {
        var data = Synthetic([4, 4], 3, 200, 50);
        var r = Trainer.Train(SmallMlp([4, 4], 3), data, new TrainingOptions { Epochs = 2, BatchSize = 20 });
        var ev = Evaluator.Evaluate(r.GetTrainedModel(), data, new EvaluationOptions { BatchSize = 7, Threads = 1 });
        Assert.Equal(50, ev.Samples);
        Assert.Equal(r.TestLoss, ev.Loss, 5);
        Assert.Equal(r.TestAccuracy, ev.Accuracy, 9);
        Throws(() => Evaluator.Evaluate(r.GetTrainedModel(), data, new EvaluationOptions { Split = (DatasetSplit)2 }));

        using var session = InferenceSession.Create(r.GetTrainedModel(), batchSize: 50, threads: 2);
        var probs = new float[50 * 3];
        session.Run(data.TestX, probs);
        int correct = 0;
        for (int i = 0; i < 50; i++)
        {
            var row = probs.AsSpan(i * 3, 3);
            Assert.Equal(1.0, row[0] + row[1] + row[2], 5); // softmax rows
            int arg = row.IndexOf(MathF.Max(row[0], MathF.Max(row[1], row[2])));
            if (arg == data.TestY[i]) correct++;
        }
        Assert.Equal(ev.Accuracy, correct / 50.0, 9);
        var e = Throws(() => session.Run(new float[17], probs));
        Assert.Equal(ErrorIds.InferenceInputMismatch, e.ErrorId);
    }

    [Fact]
    public void ImportRejectsMismatchedTensors()
    {
        var spec = SmallMlp([4, 4], 3);
        using var s = InferenceSession.Create(spec, 1, 1, seed: 5);
        var bad = new TrainedModel(spec, [new NamedTensor("dense.kernel", [16, 15], new float[240])]);
        var e = Throws(() => InferenceSession.Create(bad));
        Assert.Equal(ErrorIds.SpecTensorMismatch, e.ErrorId);
    }

    [Fact]
    public void WeightNamesAndShapesFollowWeightLayout()
    {
        var data = Synthetic([6, 6, 1], 2, 40, 10);
        var spec = new ModelSpec
        {
            Name = "names", InputShape = [6, 6, 1],
            Layers = [L("SeparableConv2D", filters: 3, kernel: [3]), L("BatchNormalization"), L("Flatten"), L("Dense", units: 2, activation: "softmax")],
        };
        var r = Trainer.Train(spec, data, new TrainingOptions { Epochs = 1, BatchSize = 8 });
        var expected = WeightLayout.For(ShapeInference.Resolve(spec));
        var got = r.GetTrainedModel().Tensors;
        Assert.Equal(expected.Select(s => (s.Name, string.Join(",", s.Shape))), got.Select(t => (t.Name, string.Join(",", t.Shape))));
        // Moving statistics moved away from their initial 0/1 during training.
        Assert.Contains(got.Single(t => t.Name == "batch_normalization.moving_mean").Data, v => v != 0);
    }

    [Fact]
    public void SgdRmspropAdamWAndBinaryCrossEntropyTrain()
    {
        var data = Synthetic([8], 2, 200, 50, seed: 9);
        foreach (var opt in new[] { TrainingOptimizer.SGD, TrainingOptimizer.RMSprop, TrainingOptimizer.AdamW })
        {
            var r = Trainer.Train(SmallMlp([8], 2), data, new TrainingOptions { Epochs = 3, BatchSize = 10, Optimizer = opt, LearningRate = 0.01, Momentum = opt == TrainingOptimizer.SGD ? 0.9 : 0 });
            Assert.True(r.TestAccuracy > 0.8, $"{opt}: {r.TestAccuracy}");
        }
        var bce = new ModelSpec { Name = "bce", InputShape = [8], Layers = [L("Dense", units: 8, activation: "tanh"), L("Dense", units: 1, activation: "sigmoid")] };
        var b = Trainer.Train(bce, data, new TrainingOptions { Epochs = 3, BatchSize = 10, LearningRate = 0.01, Loss = LossKind.BinaryCrossentropy });
        Assert.True(b.TestAccuracy > 0.8, $"BCE: {b.TestAccuracy}");
        var logits = new ModelSpec { Name = "logits", InputShape = [8], Layers = [L("Dense", units: 8, activation: "tanh"), L("Dense", units: 2)] };
        var lg = Trainer.Train(logits, data, new TrainingOptions { Epochs = 3, BatchSize = 10, LearningRate = 0.01, FromLogits = true });
        Assert.True(lg.TestAccuracy > 0.8, $"logits: {lg.TestAccuracy}");
    }

    [Fact]
    public void BatchTooLargeForBuffersIsRejectedBeforeAllocating()
    {
        // 1000·1000·3 = 3,000,000 values per sample × batch 1000 = 3e9 > 2^31 − 1 floats in one buffer.
        var spec = new ModelSpec { Name = "big", InputShape = [1000, 1000, 3], Layers = [L("GlobalAveragePooling2D"), L("Dense", units: 2, activation: "softmax")] };
        var e = Throws(() => InferenceSession.Create(spec, batchSize: 1000));
        Assert.Equal(ErrorIds.InvalidTrainingOption, e.ErrorId);
        Assert.Equal("BatchSize", e.Option);
    }

    private sealed class SyncProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }

    [Fact]
    public void MomentumIsSgdWithMomentumAndAdagradTrains()
    {
        var data = Synthetic([4], 3, 64, 16);
        var spec = SmallMlp([4], 3);
        TrainingOptions O(TrainingOptimizer opt, double momentum = 0) => new() { Epochs = 2, BatchSize = 16, Optimizer = opt, Momentum = momentum, Seed = 3, Threads = 1 };
        var m = Trainer.Train(spec, data, O(TrainingOptimizer.Momentum));
        var s = Trainer.Train(spec, data, O(TrainingOptimizer.SGD, 0.9));
        Assert.Equal(TrainingOptimizer.Momentum, m.Optimizer);
        Assert.Equal(0.01, m.LearningRate);
        Assert.Equal(s.TrainLoss, m.TrainLoss);  // same arithmetic: SGD(momentum=0.9)
        Assert.Equal(s.GetTrainedModel().Tensors.Select(t => t.Data), m.GetTrainedModel().Tensors.Select(t => t.Data));
        var a = Trainer.Train(spec, data, O(TrainingOptimizer.Adagrad));
        Assert.Equal(TrainingOptimizer.Adagrad, a.Optimizer);
        Assert.True(double.IsFinite(a.TrainLoss));
        Assert.True(a.History[1].Loss < a.History[0].Loss, "Adagrad lowers the loss on separable blobs");
    }
}
