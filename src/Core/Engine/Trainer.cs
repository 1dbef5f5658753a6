using System.Diagnostics;
using System.Globalization;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The managed engine's training loop (<see cref="ManagedEngine.Train"/>): Keras' <c>fit</c>. Validation split =
/// the last fraction of the training set (before shuffling), shuffled batches each epoch (the last one
/// smaller), running mean loss/accuracy per epoch, validation at each epoch end, then the test split.
/// <para>Same seed and same thread count ⇒ identical weights and History.</para>
/// <para>A run that stops early returns its result: cancellation (checked before every batch) gives Status
/// <see cref="TrainingStatus.Cancelled"/> with the history so far and the weights after the last whole step; a
/// non-finite batch loss gives <see cref="TrainingStatus.Diverged"/> with the previous step's weights — the last
/// ones whose loss was finite. <see cref="TrainingResult.StatusMessage"/> says where it stopped.</para>
/// </summary>
internal static class Trainer
{
    public static TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var model = ShapeInference.Resolve(spec);
        var (optName, lr) = CheckOptions(options);
        var lossKind = CheckLoss(options.Loss);
        EngineChecks.CheckData(model, data);
        int threads = EngineChecks.ResolveThreads(options.Threads);

        int total = data.TrainCount;
        if (total == 0)
            throw new ModelCostException(ErrorIds.DataFileNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"Dataset '{data.Name}' has no training samples: only its test files were found. Training needs train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] beside the test files.", data.Name);
        var split = TrainingSplit.Of(total, options, data.Name);
        var (trainCount, valCount) = split;

        bool keepLogits = LossFunction.Plan(model, lossKind, options.FromLogits, data.Classes);
        using var net = EngineChecks.Build(model, options.BatchSize, training: true, threads, keepLogits);
        net.Seed = options.Seed;
        WeightInitializer.Initialize(net, options.Seed);
        Array.Copy(net.Params, net.PreviousParams, net.Params.Length);
        var loss = new LossFunction(net, lossKind);
        Optimizer opt = optName switch
        {
            TrainingOptimizer.SGD => new Sgd(lr, net.Params.Length, options.Momentum),
            TrainingOptimizer.Momentum => new Sgd(lr, net.Params.Length, options.Momentum == 0 ? DefaultMomentum : options.Momentum),
            TrainingOptimizer.RMSprop => new RmsProp(lr, net.Params.Length),
            TrainingOptimizer.Adagrad => new Adagrad(lr, net.Params.Length),
            TrainingOptimizer.AdamW => new Adam(lr, net.Params.Length, weightDecay: options.WeightDecay),
            _ => new Adam(lr, net.Params.Length),
        };

        var order = split.NewOrder();
        var labels = new int[options.BatchSize];
        int batches = split.Batches(options.BatchSize);
        int sampleSize = net.InputSize;
        var log = new TrainingLog(spec, data, options, ManagedEngine.EngineName, optName, lr, lossKind, threads, model.Params, trainCount);

        // Ctrl+C: the weights after the last whole optimizer step, and the epochs finished so far.
        TrainingResult Cancelled(string when) => log.Cancelled(when, net.ExportFinalTensors());

        // Null when cancelled (the caller returns the Cancelled result).
        (double Loss, double Accuracy)? Evaluate(SampleStore x, int[] y, int start, int count)
        {
            try { return BatchRunner.Evaluate(net, loss, x, y, start, count, cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return null; }
        }

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
                var idx = order.AsSpan(start, n);
                BatchRunner.Gather(net, data.TrainSamples, idx, sampleSize);
                for (int i = 0; i < n; i++) labels[i] = data.TrainY[idx[i]];
                Array.Copy(net.State, net.PreviousState, net.State.Length);

                net.Cancellation = cancellationToken;
                try
                {
                    net.Forward(n, training: true);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped inside a layer: the optimiser has not run, so Params are the last whole step; put the
                    // BatchNorm statistics this forward pass had begun to move back too.
                    Array.Copy(net.PreviousState, net.State, net.State.Length);
                    return Cancelled(Inv($"at epoch {epoch}, during batch {b + 1} of {batches}"));
                }
                var (bl, bc) = loss.Compute(n, labels.AsSpan(0, n), gradient: true);
                // Keras: batch loss = mean sample loss + regularization penalty (at the weights of this forward pass).
                if (net.Penalty.Any) bl += n * net.Penalty.Value(net.Params);
                if (!double.IsFinite(bl)) return log.Diverged(bl, n, epoch, b, net.ExportFinalTensors(previous: true));
                try
                {
                    net.Backward(n);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Array.Copy(net.PreviousState, net.State, net.State.Length);
                    return Cancelled(Inv($"at epoch {epoch}, during batch {b + 1} of {batches}"));
                }
                if (net.Penalty.Any) net.Penalty.AddGradient(net.Params, net.Grads);
                opt.Step(net.Params, net.Grads, net.PreviousParams, net.Pool);
                net.SwapParams();
                net.Step++;

                lossSum += bl; correctSum += bc; seen += n;
                log.Report(progress, epoch, b, batches, lossSum, correctSum, seen);
            }
            if (Evaluate(data.TrainSamples, data.TrainY, trainCount, valCount) is not (var vl, var va))
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
        // The optimizer's state goes with the other training buffers before the result's copy of the weights is made.
        opt = null!;
        return log.Result(TrainingStatus.Completed, null, net.ExportFinalTensors(), tl, ta);
    }

    /// <summary>Momentum of the <see cref="TrainingOptimizer.Momentum"/> optimizer (SGD with momentum) when none is given.</summary>
    public const double DefaultMomentum = 0.9;

    /// <summary>Canonical optimizer name and learning rate (Keras default when not given).</summary>
    internal static (TrainingOptimizer Optimizer, double LearningRate) CheckOptions(TrainingOptions o)
    {
        if (o.Epochs < 1) throw EngineChecks.Option("Epochs", o.Epochs, $"Epochs {o.Epochs} must be at least 1.");
        if (o.BatchSize < 1) throw EngineChecks.Option("BatchSize", o.BatchSize, $"BatchSize {o.BatchSize} must be at least 1.");
        if (!(o.ValidationSplit >= 0 && o.ValidationSplit < 1))
            throw EngineChecks.Option("ValidationSplit", o.ValidationSplit, Inv($"ValidationSplit {o.ValidationSplit} must be in [0, 1) (0 = no validation)."));
        if (o.Threads < 0) throw EngineChecks.Option("Threads", o.Threads, $"Threads {o.Threads} must be 0 (all cores) or positive.");
        var name = o.Optimizer;
        if (!Enum.IsDefined(name))
            throw EngineChecks.Option("Optimizer", o.Optimizer, $"Optimizer {(int)o.Optimizer} is not known. Use {string.Join(", ", Enum.GetNames<TrainingOptimizer>())}.");
        double lr = o.LearningRate ?? (name is TrainingOptimizer.SGD or TrainingOptimizer.Momentum ? 0.01 : 0.001);
        if (!(lr > 0) || double.IsInfinity(lr))
            throw EngineChecks.Option("LearningRate", o.LearningRate, Inv($"LearningRate {lr} must be a positive finite number."));
        if (!(o.Momentum >= 0 && o.Momentum < 1))
            throw EngineChecks.Option("Momentum", o.Momentum, Inv($"Momentum {o.Momentum} must be in [0, 1)."));
        // Only SGD has a momentum setting (Keras' SGD(momentum=…)); Adam's β1 is fixed at Keras' 0.9, RMSprop's
        // momentum is not implemented. Ignoring the value would train something other than what was asked.
        if (o.Momentum != 0 && name is not (TrainingOptimizer.SGD or TrainingOptimizer.Momentum))
            throw EngineChecks.Option("Momentum", o.Momentum, Inv($"Momentum {o.Momentum} applies only to the SGD and Momentum optimizers; {name} does not use it. Leave it out, or choose SGD."));
        if (!(o.WeightDecay >= 0) || double.IsInfinity(o.WeightDecay))
            throw EngineChecks.Option("WeightDecay", o.WeightDecay, Inv($"WeightDecay {o.WeightDecay} must be a non-negative finite number."));
        return (name, lr);
    }

    internal static LossKind CheckLoss(LossKind loss) => Enum.IsDefined(loss) ? loss
        : throw EngineChecks.Option("Loss", loss, $"Loss {(int)loss} is not known. Use {string.Join(", ", Enum.GetNames<LossKind>())}.");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
