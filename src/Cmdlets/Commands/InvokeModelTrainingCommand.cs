using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Engines;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Trains a model spec on a dataset (Keras fit semantics) and returns a TrainingResult with the per-epoch History and test metrics.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 5 -Verbose</code></example>
/// </summary>
/// <remarks>
/// Training runs on a worker thread with the engine named by -Engine (the managed engine by default);
/// a layer the engine lacks is refused before the dataset is loaded. This command writes a progress bar
/// per batch (epoch, loss, accuracy, time remaining) and, with -Verbose, a Keras-like line per epoch.
/// Ctrl+C stops within one batch. A loss that becomes NaN writes a TrainingDiverged error and still
/// outputs the result (Status Diverged) holding the last finite weights.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "ModelTraining")]
[OutputType(typeof(TrainingResult))]
public sealed class InvokeModelTrainingCommand : EngineCommand
{
    private const int ActivityId = 1;

    /// <summary>The spec to train: a spec object, a spec file (path or FileInfo), or YAML / Keras JSON text.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>A dataset name (FashionMNIST, MNIST) or an object from Get-ModelDataset.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public object Dataset { get; set; } = null!;

    /// <summary>Passes over the training set (default 5, as the seeds).</summary>
    [Parameter]
    public int Epochs { get; set; } = 5;

    /// <summary>Samples per optimizer step (default 64); must not exceed the training samples.</summary>
    [Parameter]
    public int BatchSize { get; set; } = 64;

    /// <summary>The last fraction of the training set held out for validation, as Keras does (0 = none).</summary>
    [Parameter]
    public double ValidationSplit { get; set; } = 0.1;

    /// <summary>Adam (default), AdamW, SGD or RMSprop, with Keras defaults.</summary>
    [Parameter]
    [ValidateSet("Adam", "AdamW", "SGD", "RMSprop", IgnoreCase = true)]
    public string Optimizer { get; set; } = "Adam";

    /// <summary>Default: the optimizer's Keras default (Adam/AdamW/RMSprop 1e-3, SGD 1e-2).</summary>
    [Parameter]
    public double? LearningRate { get; set; }

    /// <summary>SGD momentum (Keras default 0).</summary>
    [Parameter]
    public double? Momentum { get; set; }

    /// <summary>SparseCategoricalCrossentropy (default; labels as class indices), CategoricalCrossentropy or BinaryCrossentropy.</summary>
    [Parameter]
    [ValidateSet("SparseCategoricalCrossentropy", "CategoricalCrossentropy", "BinaryCrossentropy", IgnoreCase = true)]
    public string Loss { get; set; } = "SparseCategoricalCrossentropy";

    /// <summary>The last layer outputs logits (linear activation); the loss applies softmax/sigmoid itself.</summary>
    [Parameter]
    public SwitchParameter FromLogits { get; set; }

    /// <summary>Seeds weights, shuffles and dropout: the same seed and thread count give the same History.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Worker threads (default: all cores).</summary>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        ModelSpec? parsed = null;
        if (!TryCore(() => parsed = ModelSpecArgument.Get(this, InputObject), InputObject) || parsed is null) return;
        var spec = parsed;
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            ValidationSplit = ValidationSplit,
            Optimizer = Enum.Parse<TrainingOptimizer>(Optimizer, ignoreCase: true),
            LearningRate = LearningRate,
            Loss = Enum.Parse<LossKind>(Loss, ignoreCase: true),
            FromLogits = FromLogits.IsPresent,
            Seed = Seed,
            Threads = ThrottleLimit,
            EngineOptions = EngineOptions(),
        };
        if (Momentum is double m) options.Momentum = m;
        IModelEngine? engine = null;
        // Before any data is read: an engine that is not installed, or lacks a layer of this model, is this item's error.
        if (!TryCore(() => { engine = ResolveEngine(); EngineSupport.Ensure(engine, spec, EngineOperations.Train); }, spec) || engine is null) return;

        using var pump = new PipelinePump();
        var activity = $"Training {spec.Name} on {DatasetArgument.DisplayName(Dataset)}";
        var completed = new ProgressRecord(ActivityId, activity, "Done");
        var dataset = Dataset;

        TrainingResult result;
        try
        {
            result = pump.Run(this, CancellationToken, ct =>
            {
                var info = DatasetArgument.Resolve(dataset, pump, ct);
                pump.PostProgress(new ProgressRecord(ActivityId, activity, $"Loading {info.Name} from {info.Location}") { PercentComplete = 0 }, important: true);
                var data = DatasetLoader.Load(info, ct);
                pump.PostVerbose(string.Format(CultureInfo.InvariantCulture,
                    "Training '{0}' on {1}: {2:N0} training samples (validation split {7}), {3:N0} test samples, {4} epochs, batch {5}, {6}.",
                    spec.Name, info.Name, data.TrainCount, data.TestCount, options.Epochs, options.BatchSize, options.Optimizer, options.ValidationSplit));
                var progress = new SynchronousProgress<TrainingProgress>(p => Report(pump, activity, p));
                return engine.Train(spec, data, options, progress, ct);
            }, completed);
        }
        catch (ModelCostException ex) when (!(Stopping || CancellationToken.IsCancellationRequested))
        {
            WriteCoreError(ex, spec);
            return;
        }
        catch (Exception ex) when ((ex is OperationCanceledException || ex is ModelCostException) && (Stopping || CancellationToken.IsCancellationRequested))
        {
            throw new PipelineStoppedException();
        }

        if (result.Status == TrainingStatus.Cancelled && (Stopping || CancellationToken.IsCancellationRequested))
            throw new PipelineStoppedException();
        if (result.ToException() is { } stopped)
        {
            // The run stopped early (a non-finite loss): say so, and still hand back the last good weights.
            WriteCoreError(stopped, result);
            WriteObject(result);
            return;
        }

        foreach (var epoch in result.History)
            WriteVerbose(string.Format(CultureInfo.InvariantCulture,
                "History {0}/{1} - {2:F1}s - loss: {3:F4} - accuracy: {4:F4} - val_loss: {5:F4} - val_accuracy: {6:F4}",
                epoch.Epoch, result.Epochs, epoch.Seconds, epoch.Loss, epoch.Accuracy, epoch.ValLoss, epoch.ValAccuracy));
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Test: loss {0:F4} - accuracy {1:F4} ({2:F1}s, {3:N0} samples/s).",
            result.TestLoss, result.TestAccuracy, result.TrainSeconds, result.SamplesPerSecond));
        WriteObject(result);
    }

    /// <summary>Runs on the training thread: builds the progress record and, at an epoch's last batch, the Keras-like line.</summary>
    private static void Report(PipelinePump pump, string activity, TrainingProgress p)
    {
        var status = string.Format(CultureInfo.InvariantCulture, "Epoch {0}/{1}, batch {2}/{3}: loss {4:F4}, accuracy {5:F4}",
            p.Epoch, p.Epochs, p.Batch, p.Batches, p.Loss, p.Accuracy);
        var record = new ProgressRecord(ActivityId, activity, status)
        {
            PercentComplete = (int)Math.Clamp(p.Fraction * 100, 0, 100),
            SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, p.EstimatedRemaining.TotalSeconds)),
        };
        bool epochEnd = p.Batch == p.Batches;
        pump.PostProgress(record, important: epochEnd || p.Batch == 1);
        if (epochEnd)
        {
            double perStepMs = p.Batches == 0 ? 0 : p.Elapsed.TotalMilliseconds / ((p.Epoch - 1) * (double)p.Batches + p.Batch);
            pump.PostVerbose(string.Format(CultureInfo.InvariantCulture,
                "Epoch {0}/{1}: {2}/{3} - {4:F0}s elapsed - {5:F1}ms/step - accuracy: {6:F4} - loss: {7:F4}",
                p.Epoch, p.Epochs, p.Batch, p.Batches, p.Elapsed.TotalSeconds, perStepMs, p.Accuracy, p.Loss));
        }
    }
}
