using ModelCost.Core.Engine.Layers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// Issue 15: a long Dense multiply is split into blocks of rows with a cancellation check before each, so Ctrl+C
/// is seen inside it; a small one stays one GEMM. No timing is asserted: a token cancelled before the layer runs
/// stops it inside the layer (the one-GEMM version ran to the end), and the blocked results equal sums worked
/// directly in double precision.
/// </summary>
public sealed class DenseCancellationTests
{
    [Theory]
    // 64 × 784 × 256 = 12,845,056 MACs ≤ 2^27 = 134,217,728: one block of all 64 rows (the seed MLP's first layer).
    [InlineData(64, 784, 256, 64)]
    // 1024 × 512 × 512 = 268,435,456 MACs > 2^27: 2^27 / (512·512) = 512 rows per block.
    [InlineData(1024, 512, 512, 512)]
    // 4096 × 4096 × 4096: 2^27 / 2^24 = 8 rows, raised to the 256-row minimum.
    [InlineData(4096, 4096, 4096, 256)]
    // 100 rows of a huge layer: fewer rows than the minimum block, so one block.
    [InlineData(100, 784, 2_000_000, 100)]
    public void Block_rows_follow_the_multiply_add_budget(int rows, int inner, int cols, int expected) =>
        Assert.Equal(expected, DenseLayer.BlockRows(rows, inner, cols));

    private static Network HeavyDense(out ResolvedModel model)
    {
        // 512 inputs → Dense(512): 1024 rows × 512 × 512 = 2^28 MACs, two blocks of 512 rows.
        var spec = EngineTestKit.Spec([512], EngineTestKit.L("Dense", units: 512), EngineTestKit.L("Dense", units: 3));
        model = ShapeInference.Resolve(spec);
        var net = new Network(model, 1024, training: true, threads: 2);
        WeightInitializer.Initialize(net, 7);
        var rng = new DeterministicRandom(11);
        for (int i = 0; i < 1024 * 512; i++) net.Input[i] = (float)rng.NextNormal();
        return net;
    }

    [Fact]
    public void A_cancelled_token_stops_a_long_dense_forward_and_backward_inside_the_layer()
    {
        using var net = HeavyDense(out _);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        net.Cancellation = cts.Token;
        var dense = net.Layers[0];
        Assert.ThrowsAny<OperationCanceledException>(() => dense.Forward(1024, training: true));
        dense.OutputGrad ??= new float[1024 * 512];
        Assert.ThrowsAny<OperationCanceledException>(() => dense.Backward(1024));
    }

    [Fact]
    public void Blocked_forward_and_weight_gradient_equal_direct_sums()
    {
        using var net = HeavyDense(out var model);
        var rng = new DeterministicRandom(3);
        net.Forward(1024, training: true);
        for (int i = 0; i < 1024 * 3; i++) net.Last.OutputGrad![i] = (float)rng.NextNormal();
        net.Backward(1024);
        var dense = net.Layers[0];
        int kOff = net.Offset(model.Layers[0].Name + ".kernel");
        var x = net.Input;
        var w = net.Params;
        var dz = dense.OutputGrad!;
        for (int t = 0; t < 40; t++)
        {
            int r = (int)(rng.NextDouble() * 1024) % 1024, j = (int)(rng.NextDouble() * 512) % 512, i = (int)(rng.NextDouble() * 512) % 512;
            // y[r,j] = Σ_i x[r,i]·W[i,j] + b[j] (bias initialised to 0); rows of both blocks are sampled.
            double y = 0;
            for (int k = 0; k < 512; k++) y += (double)x[r * 512 + k] * w[kOff + k * 512 + j];
            Assert.Equal(y, dense.Output[r * 512 + j], 1e-3 * Math.Max(1, Math.Abs(y)));
            // dW[i,j] = Σ_r x[r,i]·dz[r,j]: a sum across both blocks (the second block adds with beta 1).
            double g = 0;
            for (int k = 0; k < 1024; k++) g += (double)x[k * 512 + i] * dz[k * 512 + j];
            Assert.Equal(g, net.Grads[kOff + i * 512 + j], 1e-3 * Math.Max(1, Math.Abs(g)));
        }
    }
}
