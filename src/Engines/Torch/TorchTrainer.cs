using System.Diagnostics;
using System.Globalization;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using ModelCost.Engines.Torch.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>
/// The Torch engine's training loop, step for step the managed engine's (Trainer): the same validation split (the
/// last fraction, before shuffling), the same per-epoch shuffles and initial weights from the seed, the same
/// dropout masks, losses, optimisers, progress throttling, Ctrl+C and divergence rules — so the two engines'
/// runs differ only by float32 rounding.
/// </summary>
internal static class TorchTrainer
{
    public static TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var model = ShapeInference.Resolve(spec);
        var (optName, lr) = Trainer.CheckOptions(options);
        var lossKind = Trainer.CheckLoss(options.Loss);
        EngineChecks.CheckData(model, data);
        int threads = TorchRuntime.UseThreads(EngineChecks.ResolveThreads(options.Threads));

        int total = data.TrainCount;
        int trainCount = options.ValidationSplit == 0 ? total : (int)Math.Floor(total * (1.0 - options.ValidationSplit));
        int valCount = total - trainCount;
        if (options.ValidationSplit > 0 && (trainCount == 0 || valCount == 0))
            throw EngineChecks.Option("ValidationSplit", options.ValidationSplit,
                Inv($"ValidationSplit {options.ValidationSplit} of {total} samples leaves {trainCount} for training and {valCount} for validation; both must be non-empty."));
        if (trainCount == 0)
            throw EngineChecks.Option("Dataset", data.Name, $"Dataset '{data.Name}' has no training samples.");
        if (options.BatchSize > trainCount)
            throw EngineChecks.Option("BatchSize", options.BatchSize,
                Inv($"BatchSize {options.BatchSize} is larger than the {trainCount} training samples (after a validation split of {options.ValidationSplit})."));
        LossFunction.Plan(model, lossKind, options.FromLogits, data.Classes);
        EngineChecks.CheckWeightsFit(model, training: true);

        using var net = new TorchNetwork(model, WeightInitializer.InitialTensors(model, options.Seed));
        var all = net.Weights.All;
        var trainable = net.Weights.Trainable;
        // What a Diverged result holds (see the loop).
        var previous = all.Select(t => t.detach().clone()).ToArray();
        using var optimizer = new TorchOptimizer(optName, lr, options.Momentum, options.WeightDecay, trainable);
        var loss = new TorchLoss(lossKind);
        var train = data.TrainSamples;
        int sampleSize = data.SampleSize;

        var order = new int[trainCount];
        for (int i = 0; i < trainCount; i++) order[i] = i;
        int batches = (trainCount + options.BatchSize - 1) / options.BatchSize;
        var batchX = new float[(long)options.BatchSize * sampleSize];
        var batchY = new long[options.BatchSize];
        var history = new List<TrainingEpoch>(options.Epochs);
        var run = Stopwatch.StartNew();
        TimeSpan? lastReport = null;
        long step = 0;

        TrainingResult Result(TrainingStatus status, string? message, List<NamedTensor> tensors, double testLoss, double testAcc)
        {
            double seconds = history.Sum(h => h.Seconds);
            var last = history.Count > 0 ? history[^1] : null;
            return new TrainingResult(new TrainedModel(spec, tensors))
            {
                Model = spec.Name, Dataset = data.Name, Engine = TorchEngine.EngineName, Epochs = history.Count, BatchSize = options.BatchSize,
                Optimizer = optName, LearningRate = lr, Seed = options.Seed, Loss = lossKind, Threads = threads,
                Params = model.Params,
                TrainLoss = last?.Loss ?? double.NaN, TrainAccuracy = last?.Accuracy ?? double.NaN,
                ValLoss = last?.ValLoss ?? double.NaN, ValAccuracy = last?.ValAccuracy ?? double.NaN,
                TestLoss = testLoss, TestAccuracy = testAcc,
                TrainSeconds = seconds, SamplesPerSecond = seconds > 0 ? (double)trainCount * history.Count / seconds : 0,
                Status = status, StatusMessage = message, History = history.ToArray(),
            };
        }

        TrainingResult Cancelled(string when) =>
            Result(TrainingStatus.Cancelled, $"Training of '{spec.Name}' was cancelled {when}; the result holds the weights after the last whole step.",
                net.Weights.Export(), double.NaN, double.NaN);

        (double Loss, double Accuracy)? Evaluate(SampleStore x, int[] y, int start, int count)
        {
            try { return EvaluateRange(net, loss, x, y, start, count, options.BatchSize, cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return null; }
        }

        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochWatch = Stopwatch.StartNew();
                if (options.Shuffle) DeterministicRandom.For(options.Seed, 2, (ulong)epoch).Shuffle(order);
                double lossSum = 0, correctSum = 0;
                int seen = 0;
                for (int b = 0; b < batches; b++)
                {
                    if (cancellationToken.IsCancellationRequested) return Cancelled(Inv($"at epoch {epoch}, before batch {b + 1} of {batches}"));
                    int start = b * options.BatchSize, n = Math.Min(options.BatchSize, trainCount - start);
                    for (int i = 0; i < n; i++)
                    {
                        int s = order[start + i];
                        train.CopyTo((long)s * sampleSize, batchX, (long)i * sampleSize, sampleSize);
                        batchY[i] = data.TrainY[s];
                    }
                    using var scope = NewDisposeScope();
                    // The managed engine's double buffers: moving statistics as they were before this batch, trainable
                    // weights as they were before the last step whose loss was finite.
                    using (no_grad())
                        for (int i = 0; i < all.Count; i++)
                            if (!all[i].requires_grad) previous[i].copy_(all[i]);
                    var x = tensor(batchX.AsSpan(0, n * sampleSize).ToArray(), [n, .. data.SampleShape.Select(d => (long)d)]);
                    var y = tensor(batchY.AsSpan(0, n).ToArray(), [n]);
                    var logits = net.Forward(x, new TorchStep(true, options.Seed, step), logits: true);
                    var (mean, bl, bc) = loss.Compute(logits, y);
                    if (!double.IsFinite(bl))
                        return Result(TrainingStatus.Diverged,
                            Inv($"Training of '{spec.Name}' diverged: the loss became {bl / n} at epoch {epoch}, batch {b + 1} (optimizer {optName}, learning rate {lr}). Try a smaller learning rate; the result holds the weights of the previous step."),
                            net.Weights.Export(previous), double.NaN, double.NaN);
                    foreach (var p in trainable) p.grad?.zero_();
                    mean.backward();
                    using (no_grad())
                        for (int i = 0; i < all.Count; i++)
                            if (all[i].requires_grad) previous[i].copy_(all[i]);
                    optimizer.Step();
                    step++;

                    lossSum += bl; correctSum += bc; seen += n;
                    if (progress is not null)
                    {
                        var now = run.Elapsed;
                        if (b == batches - 1 || lastReport is null || now - lastReport.Value >= options.ProgressInterval)
                        {
                            lastReport = now;
                            long done = (long)(epoch - 1) * batches + b + 1, steps = (long)options.Epochs * batches;
                            progress.Report(new TrainingProgress
                            {
                                Epoch = epoch, Epochs = options.Epochs, Batch = b + 1, Batches = batches,
                                Loss = lossSum / seen, Accuracy = correctSum / seen, Elapsed = now,
                                EstimatedRemaining = TimeSpan.FromTicks((long)(now.Ticks / (double)done * (steps - done))),
                            });
                        }
                    }
                }
                if (Evaluate(train, data.TrainY, trainCount, valCount) is not (var vl, var va))
                    return Cancelled(Inv($"while validating epoch {epoch}"));
                history.Add(new TrainingEpoch
                {
                    Epoch = epoch, Loss = lossSum / seen, Accuracy = correctSum / seen,
                    ValLoss = vl, ValAccuracy = va, Seconds = epochWatch.Elapsed.TotalSeconds,
                });
            }

            var (tl, ta) = (double.NaN, double.NaN);
            if (options.EvaluateTest)
            {
                if (Evaluate(data.TestSamples, data.TestY, 0, data.TestCount) is not (var l, var a))
                    return Cancelled("while evaluating the test split");
                (tl, ta) = (l, a);
            }
            return Result(TrainingStatus.Completed, null, net.Weights.Export(), tl, ta);
        }
        finally
        {
            foreach (var t in previous) t.Dispose();
        }
    }

    /// <summary>Mean loss and accuracy of samples [start, start + count) in inference mode, <paramref name="batchSize"/> at a time.</summary>
    public static (double Loss, double Accuracy) EvaluateRange(TorchNetwork net, TorchLoss loss, SampleStore x, int[] y,
        int start, int count, int batchSize, CancellationToken ct)
    {
        if (count <= 0) return (double.NaN, double.NaN);
        int size = (int)ShapeInference.Elements(net.Model.InputShape);
        double l = 0, c = 0;
        var buffer = new float[(long)Math.Min(batchSize, count) * size];
        var labels = new long[Math.Min(batchSize, count)];
        for (int b = start; b < start + count; b += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, start + count - b);
            x.CopyTo((long)b * size, buffer, 0, (long)n * size);
            for (int i = 0; i < n; i++) labels[i] = y[b + i];
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var logits = net.Forward(tensor(buffer.AsSpan(0, n * size).ToArray(), [n, size]), new TorchStep(false, 0, 0), logits: true);
            var (_, bl, bc) = loss.Compute(logits, tensor(labels.AsSpan(0, n).ToArray(), [n]));
            l += bl; c += bc;
        }
        return (l / count, c / count);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
