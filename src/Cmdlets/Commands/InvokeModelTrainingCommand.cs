using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Engines.PyTorch;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Engines;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Trains a model spec on a dataset (Keras fit semantics) and returns a TrainingResult with the per-epoch History and test metrics.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 5 -Verbose</code><para>Trains the seed 000 CNN for five epochs on the managed engine; -Verbose prints one line per epoch and the test result.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 -Engine PyTorch -Processes 2 -PythonPath /usr/bin/python3</code><para>Trains the CNN with PyTorch's DistributedDataParallel in two local processes, using the Python at /usr/bin/python3.</para></example>
/// <example><code>Invoke-ModelTraining FashionMNIST -Path ./examples/specs/seed000_mlp.yaml -Engine Managed -Seed 1</code><para>Names the dataset by position and the spec by -Path, and trains on the managed engine with seed 1 for a repeatable run.</para></example>
/// </summary>
/// <remarks>
/// Training runs on a worker thread with the engine named by -Engine (the managed engine by default);
/// a layer the engine lacks is refused before the dataset is loaded. A dataset name that is not found
/// locally is downloaded into the user cache, which asks ShouldProcess (-WhatIf shows the download and
/// trains nothing). This command writes a progress bar per batch (epoch, loss, accuracy, time remaining)
/// and, with -Verbose, a Keras-like line per epoch. Ctrl+C stops within one batch. A loss that becomes
/// NaN writes a TrainingDiverged error and still outputs the result (Status Diverged) holding the last
/// finite weights.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "ModelTraining", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(TrainingResult))]
public sealed class InvokeModelTrainingCommand : EngineCommand
{
    /// <summary>The spec to train, from New-ModelSpec or Import-ModelSpec.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ModelInputTransformation(ModelInputKind.Spec)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>Spec files (YAML or Keras JSON), wildcards allowed; piped strings bind here, and so does spec text (several lines, a JSON object, or YAML starting with apiVersion:).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Spec files taken exactly as written (no wildcards); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>A dataset name (FashionMNIST, MNIST) or an object from Get-ModelDataset.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public object Dataset { get; set; } = null!;

    /// <summary>Passes over the training set (default 5, as the seeds).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Epochs { get; set; } = 5;

    /// <summary>Samples per optimizer step (default 64); must not exceed the training samples.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = 64;

    /// <summary>The last fraction of the training set held out for validation, as Keras does (0 = none; below 1).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double ValidationSplit { get; set; } = 0.1;

    /// <summary>Adam (default), AdamW, SGD, Momentum (SGD with momentum 0.9 unless -Momentum says otherwise), RMSprop or Adagrad, with Keras defaults; the same names Measure-ModelCost -Optimizer costs.</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<TrainingOptimizer>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<TrainingOptimizer>>))]
    public string Optimizer { get; set; } = nameof(TrainingOptimizer.Adam);

    /// <summary>Default: the optimizer's Keras default (Adam/AdamW/RMSprop/Adagrad 1e-3, SGD/Momentum 1e-2).</summary>
    /// <value>the optimizer's Keras default: 1e-3, SGD and Momentum 1e-2</value>
    [Parameter]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double? LearningRate { get; set; }

    /// <summary>Momentum of SGD (Keras default 0) and of the Momentum optimizer (default 0.9).</summary>
    /// <value>0 for SGD, 0.9 for Momentum</value>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? Momentum { get; set; }

    /// <summary>SparseCategoricalCrossentropy (default; labels as class indices), CategoricalCrossentropy or BinaryCrossentropy.</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<LossKind>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<LossKind>>))]
    public string Loss { get; set; } = nameof(LossKind.SparseCategoricalCrossentropy);

    /// <summary>The last layer outputs logits (linear activation); the loss applies softmax/sigmoid itself.</summary>
    [Parameter]
    public SwitchParameter FromLogits { get; set; }

    /// <summary>Seeds weights, shuffles and dropout: the same seed and thread count give the same History. Any integer.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Worker threads (default: all cores).</summary>
    /// <value>0 (all cores)</value>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int ThrottleLimit { get; set; }

    /// <summary>Fail (DatasetNotFound, naming the folders searched) instead of downloading when the dataset is not on this machine.</summary>
    [Parameter]
    public SwitchParameter NoDownload { get; set; }

    /// <summary>The variable (in the caller's scope) that holds the result of a run stopped with Ctrl+C: the weights after the last whole step.</summary>
    public const string CancelledResultVariable = "ModelCostCancelledTraining";

    /// <summary>With -Engine PyTorch: the local DDP ranks (processes) that share each epoch, 1 to 64 (default 1). Same as -EngineOption @{ Processes = N }.</summary>
    [Parameter]
    [ValidateRange(1, PyTorchEngine.MaxProcesses)]
    public int Processes { get; set; } = 1;

    /// <summary>With -Engine PyTorch: the Python interpreter with torch installed (default python3 on PATH). Same as -EngineOption @{ PythonPath = P }.</summary>
    /// <value>python3 on PATH</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PythonPath { get; set; }

    private protected override IModelSource? InputModel => ParameterSetName == InputObjectSet ? InputObject : null;

    private protected override string[] InputPaths => Path;

    private protected override string[] InputLiteralPaths => LiteralPath;

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var spec = model.GetSpec();
        // Before any data is read: an engine that is not installed, or lacks a layer of this model, is this item's error.
        var engine = ResolveEngine();
        EngineSupport.Ensure(engine, spec, EngineOperations.Train);
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            ValidationSplit = ValidationSplit,
            Optimizer = EnumNames<TrainingOptimizer>.Parse(Optimizer),
            LearningRate = LearningRate,
            Loss = EnumNames<LossKind>.Parse(Loss),
            FromLogits = FromLogits.IsPresent,
            Seed = Seed,
            Threads = ThrottleLimit,
            EngineOptions = EngineOptionsWith(engine),
        };
        if (Momentum is double m) options.Momentum = m;
        if (DatasetArgument.Prepare(this, Dataset, allowDownload: !NoDownload.IsPresent) is not { } dataset) return;

        var activity = $"Training {spec.Name} on {dataset.Name}";
        var result = RunWithProgress(ProgressActivity.Training, activity, (pump, ct) =>
        {
            var info = dataset.Resolve(pump, ct);
            pump.PostProgress(new ProgressRecord(ProgressActivity.Training, activity, $"Loading {info.Name} from {info.Location}") { PercentComplete = 0 }, important: true);
            var data = DatasetLoader.Load(info, ct);
            pump.PostVerbose(string.Format(CultureInfo.InvariantCulture,
                "Training '{0}' with the {8} engine on {1}: {2:N0} training samples (validation split {7}), {3:N0} test samples, {4} epoch{9}, batch {5}, {6}.",
                spec.Name, info.Name, data.TrainCount, data.TestCount, options.Epochs, options.BatchSize, options.Optimizer, options.ValidationSplit, engine.Name, options.Epochs == 1 ? "" : "s"));
            EnsureMemory(engine, spec, EngineOperations.Train, options.BatchSize, options);
            // Until the first batch ends nothing else reports progress; say what is running, not "Loading".
            pump.PostProgress(new ProgressRecord(ProgressActivity.Training, activity,
                string.Format(CultureInfo.InvariantCulture, "Epoch 1/{0}, batch 1: running the first batch of {1}", options.Epochs, options.BatchSize)) { PercentComplete = 0 }, important: true);
            var progress = new SynchronousProgress<TrainingProgress>(p => Report(pump, activity, p));
            return engine.Train(spec, data, options, progress, ct);
        });
        if (result is null) return;

        if (result.Status == TrainingStatus.Cancelled)
        {
            // PowerShell discards the output of a pipeline stopped with Ctrl+C, so `$r = … | Invoke-ModelTraining`
            // cannot receive the partial result; keep it where the user can find it (docs/engine.md).
            SessionState.PSVariable.Set(CancelledResultVariable, result);
            ThrowIfStopping();
        }
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
        // The test line holds test figures only; the training speed gets its own line.
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Trained in {0:F1}s ({1:N0} training samples/s).", result.TrainSeconds, result.SamplesPerSecond));
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Test: loss {0:F4} - accuracy {1:F4}.", result.TestLoss, result.TestAccuracy));
        WriteObject(result);
    }

    /// <summary>-EngineOption with -Processes and -PythonPath folded in; they belong to the PyTorch engine alone.</summary>
    private IReadOnlyDictionary<string, object?> EngineOptionsWith(IModelEngine engine)
    {
        var options = EngineOptions();
        var named = new List<(string Name, object Value)>();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Processes))) named.Add((nameof(Processes), Processes));
        if (MyInvocation.BoundParameters.ContainsKey(nameof(PythonPath))) named.Add((nameof(PythonPath), PythonPath!));
        if (named.Count == 0) return options;
        if (!string.Equals(engine.Name, PyTorchEngine.EngineName, StringComparison.OrdinalIgnoreCase))
            throw new ModelCostException(ErrorIds.InvalidEngineOption, ModelCostErrorCategory.InvalidArgument,
                $"-{named[0].Name} applies to -Engine {PyTorchEngine.EngineName} only; the {engine.Name} engine runs in this process.", named[0].Value)
            { Option = named[0].Name };
        var merged = new Dictionary<string, object?>(options, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in named)
        {
            if (merged.ContainsKey(name))
                throw new ModelCostException(ErrorIds.InvalidEngineOption, ModelCostErrorCategory.InvalidArgument,
                    $"{name} is given twice, as -{name} and in -EngineOption; give it once.", value) { Option = name };
            merged[name] = value;
        }
        return merged;
    }

    /// <summary>Runs on the training thread: builds the progress record and, at an epoch's last batch, the Keras-like line.</summary>
    private static void Report(PipelinePump pump, string activity, TrainingProgress p)
    {
        var status = string.Format(CultureInfo.InvariantCulture, "Epoch {0}/{1}, batch {2}/{3}: loss {4:F4}, accuracy {5:F4}",
            p.Epoch, p.Epochs, p.Batch, p.Batches, p.Loss, p.Accuracy);
        var record = new ProgressRecord(ProgressActivity.Training, activity, status)
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
