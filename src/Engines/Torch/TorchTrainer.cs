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
        var split = TrainingSplit.Of(total, options, data.Name);
        var (trainCount, valCount) = split;
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

        var order = split.NewOrder();
        int batches = split.Batches(options.BatchSize);
        var batchX = new float[(long)options.BatchSize * sampleSize];
        var batchY = new long[options.BatchSize];
        long step = 0;
        var log = new TrainingLog(spec, data, options, TorchEngine.EngineName, optName, lr, lossKind, threads, model.Params, trainCount);

        TrainingResult Cancelled(string when) => log.Cancelled(when, net.Weights.Export());

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
                TrainingSplit.Shuffle(order, options, epoch);
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
                    if (!double.IsFinite(bl)) return log.Diverged(bl, n, epoch, b, net.Weights.Export(previous));
                    foreach (var p in trainable) p.grad?.zero_();
                    mean.backward();
                    using (no_grad())
                        for (int i = 0; i < all.Count; i++)
                            if (all[i].requires_grad) previous[i].copy_(all[i]);
                    optimizer.Step();
                    step++;

                    lossSum += bl; correctSum += bc; seen += n;
                    log.Report(progress, epoch, b, batches, lossSum, correctSum, seen);
                }
                if (Evaluate(train, data.TrainY, trainCount, valCount) is not (var vl, var va))
                    return Cancelled(Inv($"while validating epoch {epoch}"));
                log.AddEpoch(epoch, lossSum, correctSum, seen, vl, va, epochWatch.Elapsed);
            }

            var (tl, ta) = (double.NaN, double.NaN);
            if (options.EvaluateTest)
            {
                if (Evaluate(data.TestSamples, data.TestY, 0, data.TestCount) is not (var l, var a))
                    return Cancelled("while evaluating the test split");
                (tl, ta) = (l, a);
            }
            return log.Result(TrainingStatus.Completed, null, net.Weights.Export(), tl, ta);
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
