using System.Globalization;
using ModelCost.Core.Memory;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The managed engine's own memory estimate, from the buffers it allocates (src/Core/Engine/Runtime/Network.cs and
/// the layers' Allocate): float32 weights, and while training the previous weights (double buffering), gradients
/// and up to two optimiser slots (Adam's m and v); per sample the input and each layer's output, plus its output
/// gradient and its pre-activation or saved tensors while training (counted as 3 outputs), attention probabilities
/// (heads × Lq × Lk), conv unfold scratch per thread (2 MiB, up to 16 MiB kept for backward, each with a gradient
/// twin), and the dataset's samples (bytes, as the engine keeps pixels). It does not count what the process already
/// holds: <see cref="AvailableMemory"/> is measured net of that.
/// </summary>
internal static class ManagedMemoryEstimate
{
    /// <summary>ConvLayer's unfold buffers: per thread a chunk of samples' im2col rows (and its gradient twin while training).</summary>
    private static long ConvScratchBytes(ResolvedLayer l, int batch, bool training, int threads)
    {
        if (l.Type is LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D) return threads * (training ? 2L : 1L) * (2 << 20);
        if (l.Type is not (LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D)) return 0;
        long k = l.InputShape[^1];
        foreach (var d in l.KernelSize) k *= d;
        long positions = ShapeInference.Elements(l.OutputShape) / l.OutputShape[^1];
        bool direct = k == l.InputShape[^1] && l.Strides.All(s => s == 1) && positions * l.InputShape[^1] == l.InputElements;
        if (direct) return 0;
        long perSample = positions * k, perThread = (batch + threads - 1) / threads;
        bool keep = training && perThread * perSample <= 1 << 22;
        long chunk = keep ? perThread : Math.Clamp((1 << 19) / Math.Max(1, perSample), 1, perThread);
        return threads * chunk * perSample * 4 * (training ? 2 : 1);
    }

    public static MemoryEstimate For(ResolvedModel model, int batchSize, bool training, int threads, long dataBytes)
    {
        long weights = 0;
        foreach (var l in model.Layers)
            foreach (var s in WeightLayout.For(l)) weights += s.Elements;
        long weightBytes = weights * 4 * (training ? 5 : 1);

        long perSample = ShapeInference.Elements(model.InputShape);
        long scratch = 0;
        foreach (var l in model.Layers)
        {
            perSample += l.OutputElements * (training ? 3 : 1);
            if (l.Type is LayerTypes.MultiHeadAttention or LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder)
            {
                long lq = l.InputShape[0], lk = l.InputShapes.Length > 1 ? l.InputShapes[1][0] : lq;
                perSample += (long)l.NumHeads * lq * lk * (training ? 2 : 1);
                perSample += lq * (long)Math.Max(l.IntermediateDim, l.NumHeads * Math.Max(l.KeyDim, l.ValueDim)) * (training ? 2 : 1);
            }
            scratch += ConvScratchBytes(l, batchSize, training, Math.Max(1, threads));
        }
        long fixedBytes = weightBytes + scratch + dataBytes;
        long perSampleBytes = perSample * 4;
        var breakdown = string.Create(CultureInfo.InvariantCulture,
            $"weights{(training ? " with training copies" : "")} {AvailableMemory.Mb(weightBytes)}, activations {AvailableMemory.Mb(perSampleBytes * batchSize)}, data {AvailableMemory.Mb(dataBytes)}, scratch {AvailableMemory.Mb(scratch)}");
        return new MemoryEstimate(fixedBytes, perSampleBytes, batchSize, breakdown);
    }
}
