using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines.PyTorch;

/// <summary>
/// <c>-Engine PyTorch</c>: trains with PyTorch DistributedDataParallel in N local Python processes through
/// <see cref="PyTorchTrainer"/>. It is built into Core (it starts processes, it loads no native library).
/// It only trains: evaluate or time the weights it returns with another engine (they share the safetensors layout).
/// Options: Processes (1-64, default 1), PythonPath (default python3), MasterPort (0 = a free port).
/// </summary>
public sealed class PyTorchEngine : IModelEngine
{
    public const string EngineName = PyTorchTrainer.EngineName;

    /// <summary>The most local ranks one run starts (the cmdlet's -Processes range).</summary>
    public const int MaxProcesses = 64;

    public string Name => EngineName;

    public EngineOperations Operations => EngineOperations.Train;

    /// <summary>The exporter writes every layer we resolve; what it cannot is refused by the export itself with its own error.</summary>
    public IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _ = ShapeInference.Resolve(spec);
        return [];
    }

    public TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var values = new EngineOptionValues(Name, options.EngineOptions, "Processes", "PythonPath", "MasterPort");
        var launch = new PyTorchTrainingOptions
        {
            Processes = values.GetInt32("Processes", 1, 1, MaxProcesses),
            PythonPath = values.GetString("PythonPath"),
            MasterPort = values.GetInt32("MasterPort", 0, 0, 65535),
        };
        EngineSupport.Ensure(this, spec, EngineOperations.Train);
        // The ranks read the IDX files themselves; data built in memory has none to give them.
        var files = data.Files ?? throw new ModelCostException(ErrorIds.UnsupportedByEngine, ModelCostErrorCategory.NotImplemented,
            $"The {Name} engine trains on a dataset read from IDX files (a named dataset such as FashionMNIST or MNIST); '{data.Name}' was built in memory.", data.Name);
        return PyTorchTrainer.Train(spec, files, options, launch, progress, cancellationToken);
    }

    public EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        EngineSupport.Ensure(this, model.Spec, EngineOperations.Evaluate);
        throw new InvalidOperationException("unreachable: Ensure refuses Evaluate");
    }

    public LatencyMeasurement MeasureLatency(IModelSource model, LatencyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        EngineSupport.Ensure(this, model.GetSpec(), EngineOperations.MeasureLatency);
        throw new InvalidOperationException("unreachable: Ensure refuses MeasureLatency");
    }
}
