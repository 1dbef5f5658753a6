using System.Globalization;
using ModelCost.Core.Engine.Layers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Memory;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The managed engine's own memory estimate, from the buffers it allocates (src/Core/Engine/Runtime/Network.cs and
/// the layers' Allocate): float32 weights, and while training the previous weights (double buffering), gradients,
/// and up to two optimiser slots (Adam's m and v) (the result's copy of the weights is made after the network has let
/// its buffers go: <see cref="Network.ExportFinalTensors"/>); per sample the input and the shared activation and gradient
/// buffers the network's <see cref="MemoryPlan"/> allocates (outputs, pre-activations and gradients by liveness),
/// attention probabilities (heads × Lq × Lk) and transformer internals; the convolutions' scratch (one shared
/// per-thread unfold and unfold-gradient pair and one set of weight-gradient partials, sized for the largest layer,
/// plus the unfolds small layers keep from forward to backward), and the dataset's samples (bytes, as the engine keeps
/// pixels). It does not count what the process already holds: <see cref="AvailableMemory"/> is measured net of that.
/// </summary>
internal static class ManagedMemoryEstimate
{
    /// <summary>Convolution scratch in bytes: the shared set sized for the largest layer, plus every kept unfold.</summary>
    private static long ScratchBytes(ResolvedModel model, int batch, bool training, int threads)
    {
        long col = 0, dcol = 0, partials = 0, kept = 0, separable = 0;
        foreach (var l in model.Layers)
        {
            if (l.Type is LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D) separable = threads * (training ? 2L : 1L) * (2 << 20);
            if (l.Type is not (LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D)) continue;
            var needs = ConvLayer.Needs(l, batch, threads, training);
            if (needs.KeepUnfold) kept += threads * needs.ColPerThread;
            else col = Math.Max(col, needs.ColPerThread);
            dcol = Math.Max(dcol, needs.DColPerThread);
            partials = Math.Max(partials, needs.Partials);
        }
        return 4 * (threads * (col + dcol) + partials + kept) + separable;
    }

    public static MemoryEstimate For(ResolvedModel model, int batchSize, bool training, int threads, long dataBytes)
    {
        long weights = 0;
        foreach (var l in model.Layers)
            foreach (var s in WeightLayout.For(l)) weights += s.Elements;
        long weightBytes = weights * 4 * (training ? 5 : 1);

        long perSample = ShapeInference.Elements(model.InputShape) + MemoryPlan.For(model, training).TotalFloats;
        foreach (var l in model.Layers)
            if (l.Type is LayerTypes.MultiHeadAttention or LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder)
            {
                long lq = l.InputShape[0], lk = l.InputShapes.Length > 1 ? l.InputShapes[1][0] : lq;
                perSample += (long)l.NumHeads * lq * lk * (training ? 2 : 1);
                perSample += lq * (long)Math.Max(l.IntermediateDim, l.NumHeads * Math.Max(l.KeyDim, l.ValueDim)) * (training ? 2 : 1);
            }
        long scratch = ScratchBytes(model, batchSize, training, Math.Max(1, threads));
        long fixedBytes = weightBytes + scratch + dataBytes;
        long perSampleBytes = perSample * 4;
        var breakdown = string.Create(CultureInfo.InvariantCulture,
            $"weights{(training ? " with training copies" : "")} {AvailableMemory.Mb(weightBytes)}, activations {AvailableMemory.Mb(perSampleBytes * batchSize)}, data {AvailableMemory.Mb(dataBytes)}, scratch {AvailableMemory.Mb(scratch)}");
        return new MemoryEstimate(fixedBytes, perSampleBytes, batchSize, breakdown);
    }
}
