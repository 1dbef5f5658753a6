using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Training": hostile hyper-parameters and Ctrl+C through Trainer.Train, Evaluator and the
/// trained-model export, on a tiny synthetic dataset (20 samples of 4 features, 2 classes) so every
/// case runs in milliseconds.
/// </summary>
public sealed class TrainingHostileTests : IDisposable
{
    private readonly TempFolder _dir = new("mc-hostile-train");

    public void Dispose() => _dir.Dispose();

    private static ModelSpec Mlp() => LayerSpecFactory.Create("tiny", [4], ["Dense(8, activation='relu')", "Dense(2, activation='softmax')"]);

    /// <summary>20 training and 6 test samples; class = whether the first feature is above 0.5.</summary>
    private static TrainingData Data(int train = 20, int test = 6, float[]? overrideX = null)
    {
        var rnd = new Random(7);
        float[] X(int n) => Enumerable.Range(0, n * 4).Select(_ => (float)rnd.NextDouble()).ToArray();
        var trainX = overrideX ?? X(train);
        var testX = X(test);
        int[] Y(float[] x, int n) => Enumerable.Range(0, n).Select(i => x[i * 4] > 0.5f ? 1 : 0).ToArray();
        return new TrainingData
        {
            Name = "synthetic", SampleShape = [4], Classes = 2,
            TrainX = trainX, TrainY = Y(trainX, train), TestX = testX, TestY = Y(testX, test),
        };
    }

    private static TrainingOptions Options(Action<TrainingOptions>? change = null)
    {
        var o = new TrainingOptions { Epochs = 2, BatchSize = 4, ValidationSplit = 0.2, Threads = 1, Seed = 3, ProgressInterval = TimeSpan.Zero };
        change?.Invoke(o);
        return o;
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>The error a run that stopped early stands for: its id, and a message naming what it must.</summary>
    private static ModelCostException Stopped(TrainingResult run, string errorId, string[] fragments)
    {
        var e = run.ToException();
        Assert.NotNull(e);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(run.StatusMessage, e.Message);
        foreach (var f in fragments)
            Assert.True(e.Message.Contains(f, StringComparison.Ordinal), $"the message should name '{f}' but is: {e.Message}");
        return e;
    }

    private static bool AllFinite(TrainedModel m) => m.Tensors.All(t => t.Data.All(float.IsFinite));

    // ---- a learning rate that makes the loss NaN --------------------------------------------

    [Fact]
    public void A_learning_rate_that_blows_up_stops_with_a_clear_error_and_the_last_good_weights()
    {
        // SGD with lr 1e300: float32 makes lr·grad infinite, so after the first step the weights are ±inf or NaN
        // (inf·0) and the second batch's loss is not finite. The first step's loss was finite, so the
        // weights before that step (the initial ones) are the last good ones.
        var data = Data();
        // Not an exception: a result whose status says Diverged (issue 18); its error is what the cmdlet writes.
        var partial = Succeeds(() => Trainer.Train(Mlp(), data, Options(o => { o.Optimizer = TrainingOptimizer.SGD; o.LearningRate = 1e300; })));
        Assert.Equal(TrainingStatus.Diverged, partial.Status);
        var e = Stopped(partial, ErrorIds.TrainingDiverged, ["'tiny'", "diverged", "learning rate", "batch 2"]);
        Assert.Same(partial, e.Target);
        var model = partial.GetTrainedModel();
        Assert.Equal(4, model.Tensors.Count); // two Dense layers: kernel and bias each
        Assert.True(AllFinite(model), "the weights handed back are finite");
        // The weights are usable: they evaluate to a finite loss.
        var eval = Succeeds(() => Evaluator.Evaluate(model, data, new EvaluationOptions { Threads = 1 }));
        Assert.True(double.IsFinite(eval.Loss));
    }

    [Fact]
    public void The_diverged_weights_can_still_be_exported()
    {
        var data = Data();
        var run = Succeeds(() => Trainer.Train(Mlp(), data, Options(o => { o.Optimizer = TrainingOptimizer.SGD; o.LearningRate = 1e300; })));
        Stopped(run, ErrorIds.TrainingDiverged, ["diverged"]);
        var model = run.GetTrainedModel();
        var path = _dir.File("diverged.safetensors");
        Succeeds(() => TrainedModelFile.Save(model, path, overwrite: false));
        var back = Succeeds(() => TrainedModelFile.Load(path));
        Assert.True(AllFinite(back));
    }

    [Fact]
    public void Non_finite_or_negative_learning_rates_are_refused_before_training()
    {
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.LearningRate = double.NaN)), ["LearningRate", "NaN"], "NaN");
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.LearningRate = double.PositiveInfinity)), ["LearningRate"], "infinity");
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.LearningRate = -0.1)), ["LearningRate", "-0.1"], "negative");
    }

    // ---- batch size and validation split -------------------------------------------------------

    [Fact]
    public void A_batch_larger_than_the_dataset_names_both_numbers()
    {
        // 20 samples with a 0.2 validation split leave floor(20 × 0.8) = 16 for training.
        var e = Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.BatchSize = 100)), ["BatchSize 100", "16 training samples"]);
        Assert.Equal("BatchSize", e.Option);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-3, 0)]
    public void A_batch_size_below_one_is_refused(int batch, int _)
    {
        var e = Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.BatchSize = batch)), [$"BatchSize {batch}"], batch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("BatchSize", e.Option);
    }

    [Theory]
    [InlineData(1.0, "ValidationSplit 1 ")]
    [InlineData(1.5, "ValidationSplit 1.5")]
    [InlineData(-0.1, "ValidationSplit -0.1")]
    [InlineData(double.NaN, "ValidationSplit NaN")]
    public void A_validation_split_outside_zero_to_one_is_refused(double split, string fragment)
    {
        var e = Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.ValidationSplit = split)), [fragment, "[0, 1)"], fragment);
        Assert.Equal("ValidationSplit", e.Option);
    }

    [Fact]
    public void A_validation_split_that_leaves_no_training_sample_is_refused()
    {
        // floor(20 × (1 − 0.99)) = floor(0.2) = 0 training samples.
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.ValidationSplit = 0.99)), ["0 for training", "20 for validation"]);
    }

    [Fact]
    public void A_validation_split_of_zero_trains_without_validation()
    {
        var r = Succeeds(() => Trainer.Train(Mlp(), Data(), Options(o => o.ValidationSplit = 0)));
        Assert.Equal(TrainingStatus.Completed, r.Status);
        Assert.Equal(2, r.History.Count);
        Assert.All(r.History, h => Assert.True(double.IsNaN(h.ValLoss), "no validation set, no validation loss"));
        Assert.True(double.IsFinite(r.TrainLoss));
    }

    // ---- cancellation (Ctrl+C) mid-epoch and mid-export ----------------------------------------

    [Fact]
    public void Cancellation_mid_epoch_stops_with_operation_cancelled_and_consistent_weights()
    {
        using var cts = new CancellationTokenSource();
        int reports = 0;
        // Cancel from inside the run, after the second batch of the first epoch (4 batches of 4 per epoch).
        var progress = new SyncProgress(p => { reports++; if (p.Epoch == 1 && p.Batch == 2) cts.Cancel(); });
        var partial = Succeeds(() => Trainer.Train(Mlp(), Data(), Options(), progress, cts.Token));
        var e = Stopped(partial, ErrorIds.OperationCancelled, ["'tiny'", "cancelled"]);
        Assert.Equal(ModelCostErrorCategory.OperationStopped, e.Category);
        Assert.Equal(2, reports); // it stopped before the third batch: within one batch
        Assert.Equal(TrainingStatus.Cancelled, partial.Status);
        Assert.Empty(partial.History); // no epoch finished
        Assert.True(AllFinite(partial.GetTrainedModel()));
    }

    [Fact]
    public void Cancellation_before_training_and_during_evaluation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Stopped(Succeeds(() => Trainer.Train(Mlp(), Data(), Options(), null, cancelled.Token)), ErrorIds.OperationCancelled, ["cancelled", "before batch 1"]);
        var model = Trainer.Train(Mlp(), Data(), Options(o => o.Epochs = 1)).GetTrainedModel();
        Fails(ErrorIds.OperationCancelled, () => Evaluator.Evaluate(model, Data(), new EvaluationOptions { Threads = 1 }, cancelled.Token), ["cancelled"], "evaluate");
    }

    [Fact]
    public void Cancellation_mid_export_leaves_the_old_file_and_no_temporary()
    {
        var model = Trainer.Train(Mlp(), Data(), Options(o => o.Epochs = 1)).GetTrainedModel();
        var path = _dir.File("model.safetensors");
        File.WriteAllText(path, "previous export");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        // The writer has written the header when it first checks the token, before the tensors.
        Fails(ErrorIds.OperationCancelled, () => TrainedModelFile.Save(model, path, overwrite: true, cts.Token), [path]);
        Assert.Equal("previous export", File.ReadAllText(path));
        Assert.Empty(_dir.TempFiles());
    }

    // ---- data and model that do not fit each other ---------------------------------------------

    [Fact]
    public void Labels_outside_the_classes_are_named()
    {
        var d = Data();
        d.TrainY[5] = 7;
        Fails(ErrorIds.LabelOutOfRange, () => Trainer.Train(Mlp(), d, Options()), ["'synthetic'", "label 5", "7"]);
    }

    [Fact]
    public void Samples_of_the_wrong_shape_are_named()
    {
        var spec = LayerSpecFactory.Create("wide", [5], ["Dense(2, activation='softmax')"]);
        Fails(ErrorIds.DatasetShapeMismatch, () => Trainer.Train(spec, Data(), Options()), ["'wide'", "(None, 5)", "(None, 4)"]);
    }

    [Fact]
    public void An_output_that_does_not_fit_the_classes_is_named()
    {
        var spec = LayerSpecFactory.Create("three", [4], ["Dense(3, activation='softmax')"]);
        Fails(ErrorIds.ModelOutputMismatch, () => Trainer.Train(spec, Data(), Options()), ["'three'", "(None, 3)", "2 classes"]);
    }

    [Fact]
    public void Unknown_optimizer_and_loss_are_named()
    {
        // Names are parsed by the cmdlets (a ValidateSet over the enum); here a value outside the enum is what can go wrong.
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.Optimizer = (TrainingOptimizer)42)), ["Optimizer 42", "Adam, AdamW, SGD, Momentum, RMSprop, Adagrad"], "optimizer");
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.Loss = (LossKind)42)), ["Loss 42", "SparseCategoricalCrossentropy"], "loss");
        Fails(ErrorIds.InvalidTrainingOption, () => Trainer.Train(Mlp(), Data(), Options(o => o.Epochs = 0)), ["Epochs 0"], "epochs");
    }

    [Fact]
    public void Weights_that_do_not_fit_the_model_are_refused_by_evaluation()
    {
        var wrong = new TrainedModel(Mlp(), [new NamedTensor("dense.kernel", [4, 9], new float[36])]);
        Fails(ErrorIds.SpecTensorMismatch, () => Evaluator.Evaluate(wrong, Data(), new EvaluationOptions { Threads = 1 }), ["'dense.kernel'", "(4, 9)", "(4, 8)"]);
    }
}
