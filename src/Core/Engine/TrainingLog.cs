using System.Diagnostics;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The bookkeeping every engine's training loop shares: throttled progress reports, the per-epoch History, and
/// the <see cref="TrainingResult"/> built from them (whether the run completed, was cancelled or diverged). The
/// loops differ only in how they compute a batch; what they report is made here, once.
/// </summary>
internal sealed class TrainingLog
{
    private readonly ModelSpec _spec;
    private readonly TrainingData _data;
    private readonly TrainingOptions _options;
    private readonly Stopwatch _run = Stopwatch.StartNew();
    private readonly List<TrainingEpoch> _history;
    private TimeSpan? _lastReport;

    public TrainingLog(ModelSpec spec, TrainingData data, TrainingOptions options, string engine,
        TrainingOptimizer optimizer, double learningRate, LossKind loss, int threads, long parameters, int trainCount)
    {
        _spec = spec;
        _data = data;
        _options = options;
        _history = new List<TrainingEpoch>(options.Epochs);
        Engine = engine;
        Optimizer = optimizer;
        LearningRate = learningRate;
        Loss = loss;
        Threads = threads;
        Params = parameters;
        TrainCount = trainCount;
    }

    public string Engine { get; }
    public TrainingOptimizer Optimizer { get; }
    public double LearningRate { get; }
    public LossKind Loss { get; }
    public int Threads { get; }
    public long Params { get; }
    public int TrainCount { get; }

    /// <summary>Reports batch <paramref name="batch"/> (0-based) of <paramref name="epoch"/> at most once per
    /// ProgressInterval, and always the last batch of an epoch.</summary>
    public void Report(IProgress<TrainingProgress>? progress, int epoch, int batch, int batches, double lossSum, double correctSum, int seen)
    {
        if (progress is null) return;
        var now = _run.Elapsed;
        if (batch != batches - 1 && _lastReport is not null && now - _lastReport.Value < _options.ProgressInterval) return;
        _lastReport = now;
        long done = (long)(epoch - 1) * batches + batch + 1, all = (long)_options.Epochs * batches;
        progress.Report(new TrainingProgress
        {
            Epoch = epoch, Epochs = _options.Epochs, Batch = batch + 1, Batches = batches,
            Loss = lossSum / seen, Accuracy = correctSum / seen, Elapsed = now,
            EstimatedRemaining = TimeSpan.FromTicks((long)(now.Ticks / (double)done * (all - done))),
        });
    }

    /// <summary>Adds a finished epoch to the History.</summary>
    public void AddEpoch(int epoch, double lossSum, double correctSum, int seen, double valLoss, double valAccuracy, TimeSpan elapsed) =>
        _history.Add(new TrainingEpoch
        {
            Epoch = epoch, Loss = lossSum / seen, Accuracy = correctSum / seen,
            ValLoss = valLoss, ValAccuracy = valAccuracy, Seconds = elapsed.TotalSeconds,
        });

    /// <summary>The result of the run so far, holding <paramref name="tensors"/>.</summary>
    public TrainingResult Result(TrainingStatus status, string? message, List<NamedTensor> tensors, double testLoss, double testAcc)
    {
        double seconds = _history.Sum(h => h.Seconds);
        var last = _history.Count > 0 ? _history[^1] : null;
        return new TrainingResult(new TrainedModel(_spec, tensors))
        {
            Model = _spec.Name, Dataset = _data.Name, Engine = Engine, Epochs = _history.Count, BatchSize = _options.BatchSize,
            Optimizer = Optimizer, LearningRate = LearningRate, Seed = _options.Seed, Loss = Loss, Threads = Threads,
            Params = Params,
            TrainLoss = last?.Loss ?? double.NaN, TrainAccuracy = last?.Accuracy ?? double.NaN,
            ValLoss = last?.ValLoss ?? double.NaN, ValAccuracy = last?.ValAccuracy ?? double.NaN,
            TestLoss = testLoss, TestAccuracy = testAcc,
            TrainSeconds = seconds, SamplesPerSecond = seconds > 0 ? (double)TrainCount * _history.Count / seconds : 0,
            Status = status, StatusMessage = message, History = _history.ToArray(),
        };
    }

    /// <summary>Ctrl+C: the weights after the last whole optimizer step, and the epochs finished so far.</summary>
    public TrainingResult Cancelled(string when, List<NamedTensor> tensors) =>
        Result(TrainingStatus.Cancelled, $"Training of '{_spec.Name}' was cancelled {when}; the result holds the weights after the last whole step.",
            tensors, double.NaN, double.NaN);

    /// <summary>A non-finite batch loss: <paramref name="previous"/> are the weights of the step before it.</summary>
    public TrainingResult Diverged(double batchLoss, int n, int epoch, int batch, List<NamedTensor> previous) =>
        Result(TrainingStatus.Diverged,
            FormattableString.Invariant($"Training of '{_spec.Name}' diverged: the loss became {batchLoss / n} at epoch {epoch}, batch {batch + 1} (optimizer {Optimizer}, learning rate {LearningRate}). Try a smaller learning rate; the result holds the weights of the previous step."),
            previous, double.NaN, double.NaN);
}
