using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs;
using ModelCost.Engines.OnnxRuntime;
using InferenceSession = Microsoft.ML.OnnxRuntime.InferenceSession;

[assembly: ModelEngine(typeof(OnnxRuntimeEngine))]

namespace ModelCost.Engines.OnnxRuntime;

/// <summary>
/// ONNX Runtime 1.31.1 on its CPU execution provider (<c>-Engine OnnxRuntime</c>), for inference latency only:
/// the model (trained weights, or a spec's initial weights drawn as the managed engine draws them) goes through
/// our ONNX export in memory and is timed by the same <see cref="LatencyMeter"/> as every engine, on the same
/// input values, with intra-op threads = <c>-Threads</c> (docs/engine.md, "The OnnxRuntime engine").
/// </summary>
public sealed class OnnxRuntimeEngine : IModelEngine
{
    public const string EngineName = "OnnxRuntime";

    public string Name => EngineName;

    public EngineOperations Operations => EngineOperations.MeasureLatency;

    public IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var limits = new List<EngineLimitation>();
        if ((operation & ~EngineOperations.MeasureLatency) != 0)
            limits.Add(new EngineLimitation { Reason = "ONNX Runtime only measures inference latency here; train and evaluate with the Managed or Torch engine" });
        foreach (var layer in ShapeInference.Resolve(spec).Layers)
            if (!OnnxGraphBuilder.Writes(layer.Type))
                limits.Add(new EngineLimitation
                {
                    LayerIndex = layer.Index, LayerName = layer.Name, LayerType = layer.Type, Option = "type",
                    Reason = $"the ONNX export does not write {layer.Type} layers yet (docs/onnx.md)",
                });
        return limits;
    }

    public TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        EngineSupport.Ensure(this, spec, EngineOperations.Train);
        throw new InvalidOperationException("unreachable: Ensure refuses training");
    }

    public EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        EngineSupport.Ensure(this, model.Spec, EngineOperations.Evaluate);
        throw new InvalidOperationException("unreachable: Ensure refuses evaluation");
    }

    public LatencyMeasurement MeasureLatency(IModelSource model, LatencyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var spec = model.GetSpec();
        EngineSupport.Prepare(this, spec, options, EngineOperations.MeasureLatency);
        var resolved = LatencyMeter.Validate(spec, options);
        var trained = model.GetTrainedModel();
        using var session = Open(trained ?? new TrainedModel(spec, WeightInitializer.InitialTensors(resolved, options.Seed)),
            LatencyMeter.ResolveThreads(options));
        var input = new float[(long)options.BatchSize * ShapeInference.Elements(resolved.InputShape)];
        var output = new float[(long)options.BatchSize * resolved.Layers[^1].OutputElements];
        LatencyMeter.FillInput(input);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [options.BatchSize, .. resolved.InputShape.Select(d => (long)d)]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [options.BatchSize, .. resolved.OutputShape.Select(d => (long)d)]);
        using var run = new RunOptions();
        string[] inputNames = ["input"], outputNames = ["output"];
        OrtValue[] inputs = [inputValue], outputs = [outputValue];
        return LatencyMeter.Measure(Name, resolved, trained is null ? "Initialised" : "Trained", options,
            () => session.Run(run, inputNames, inputs, outputNames, outputs), cancellationToken);
    }

    /// <summary>
    /// A CPU session over the model's ONNX export, held in memory: intra-op threads as asked, one inter-op
    /// thread and sequential execution (our graphs are chains), full graph optimisation as ONNX Runtime defaults.
    /// </summary>
    internal static InferenceSession Open(TrainedModel model, int threads)
    {
        var bytes = OnnxExporter.Build(model).ToByteArray();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelCostException(ErrorIds.EngineLoadFailed, ModelCostErrorCategory.ResourceUnavailable,
                $"ONNX Runtime cannot load the export of model '{model.Spec.Name}': {ex.Message}", model.Spec.Name, ex) { Option = "Engine" };
        }
    }
}
