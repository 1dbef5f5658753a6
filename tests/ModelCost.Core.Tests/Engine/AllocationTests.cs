using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

public class AllocationTests
{
    /// <summary>
    /// Buffers are built with the network; a step must not allocate in proportion to the batch.
    /// Gemm currently allocates a small job object per call (128 B, kernels' code), so the bound is
    /// "the same bytes at batch 16 and 64, under 4 KiB per step" — a per-batch buffer would break both.
    /// </summary>
    [Fact]
    public void TrainingStepAllocationDoesNotGrowWithBatch()
    {
        long a = BytesPerStep(16), b = BytesPerStep(64);
        Assert.Equal(a, b);
        Assert.True(a < 4096, $"{a} bytes per step");
    }

    /// <summary>The same bound for the transformer layers: embeddings, an encoder block and attention with dropout, LayerNorm.</summary>
    [Fact]
    public void TransformerStepAllocationDoesNotGrowWithBatch()
    {
        var spec = LayerSpecFactory.Create("t", [8],
        [
            "Embedding(20, 16)", "PositionEmbedding(8)", "Add(inputs=['embedding', 'position_embedding'])",
            "TransformerEncoder(32, 4, dropout=0.1, activation='gelu')", "MultiHeadAttention(2, 8, dropout=0.1, use_causal_mask=True)",
            "LayerNormalization()", "GlobalAveragePooling1D()", "Dense(4, activation='softmax')",
        ], inputDtype: "int32");
        long a = BytesPerStep(16, spec), b = BytesPerStep(64, spec);
        Assert.Equal(a, b);
        // Only the GEMMs' 128-byte job objects: per step the block runs 4 projections + 2 feed-forward GEMMs forward
        // and 2 each backward (12), the attention layer 4 + 8, the Dense 1 + 2 → 33 calls; the per-head attention
        // products are SIMD loops that allocate nothing.
        Assert.True(a <= 33 * 128, $"{a} bytes per step");
    }

    private static long BytesPerStep(int batch, ModelSpec? model = null)
    {
        // One thread keeps all work on this thread, where GC.GetAllocatedBytesForCurrentThread sees it.
        var spec = model ?? Spec([12, 12, 1],
            L("Conv2D", filters: 8, kernel: [3], activation: "relu"), L("BatchNormalization"), L("MaxPooling2D"),
            L("Flatten"), L("Dropout", rate: 0.2), L("Dense", units: 16, activation: "relu"), L("Dense", units: 4, activation: "softmax"));
        using var net = new Network(ShapeInference.Resolve(spec), batch, training: true, threads: 1, keepLogitsOfLast: true);
        WeightInitializer.Initialize(net, 1);
        var loss = new LossFunction(net, LossKind.SparseCategoricalCrossentropy);
        var opt = new Adam(1e-3, net.Params.Length);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 4;
        void Step()
        {
            net.Forward(batch, true);
            loss.Compute(batch, labels, true);
            net.Backward(batch);
            opt.Step(net.Params, net.Grads, net.PreviousParams, net.Pool);
            net.SwapParams();
            net.Step++;
        }
        Step(); Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 5;
    }
}
