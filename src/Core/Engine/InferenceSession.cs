using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The managed engine's inference: a model compiled at a fixed maximum batch size: buffers allocated once, so
/// <see cref="Run"/> allocates nothing (what latency measurement needs). Not thread-safe; one
/// session per caller thread.
/// </summary>
internal sealed class InferenceSession : IDisposable
{
    private readonly Network _net;

    private InferenceSession(Network net) => _net = net;

    /// <summary>A session over trained weights.</summary>
    public static InferenceSession Create(TrainedModel model, int batchSize = 1, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var net = Build(ShapeInference.Resolve(model.Spec), batchSize, threads);
        try { net.ImportTensors(model.Tensors); }
        catch { net.Dispose(); throw; }
        return new InferenceSession(net);
    }

    /// <summary>A session over Keras-initialised random weights (same seed ⇒ same weights as training starts from).</summary>
    public static InferenceSession Create(ModelSpec spec, int batchSize = 1, int threads = 0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var net = Build(ShapeInference.Resolve(spec), batchSize, threads);
        WeightInitializer.Initialize(net, seed);
        return new InferenceSession(net);
    }

    private static Network Build(ResolvedModel model, int batchSize, int threads)
    {
        if (batchSize < 1) throw EngineChecks.Option("BatchSize", batchSize, $"BatchSize {batchSize} must be at least 1.");
        return EngineChecks.Build(model, batchSize, training: false, EngineChecks.ResolveThreads(threads));
    }

    public int BatchSize => _net.Capacity;
    public int Threads => _net.Pool.Threads;

    /// <summary>Floats per sample in (the model's input elements) and out.</summary>
    public int InputSize => _net.InputSize;
    public int OutputSize => _net.OutputSize;
    public int[] InputShape => (int[])_net.Model.InputShape.Clone();
    public int[] OutputShape => (int[])_net.Model.OutputShape.Clone();

    /// <summary>
    /// Runs n = input.Length / InputSize samples (1 ≤ n ≤ BatchSize, row-major, channels last) and
    /// writes n × OutputSize floats (after the last activation, e.g. softmax probabilities).
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        int n = input.Length / InputSize;
        if (n < 1 || n > BatchSize || n * InputSize != input.Length)
            throw new ModelCostException(ErrorIds.InferenceInputMismatch, ModelCostErrorCategory.InvalidArgument,
                $"Input of {input.Length} floats is not 1 to {BatchSize} samples of {InputSize} floats ({ShapeText.Format(_net.Model.InputShape)}).", input.Length);
        if (output.Length < n * OutputSize)
            throw new ModelCostException(ErrorIds.InferenceInputMismatch, ModelCostErrorCategory.InvalidArgument,
                $"Output span of {output.Length} floats is smaller than {n} × {OutputSize}.", output.Length);
        input.CopyTo(_net.Input);
        _net.Forward(n, training: false);
        _net.Last.Output.AsSpan(0, n * OutputSize).CopyTo(output);
    }

    public void Dispose() => _net.Dispose();
}
