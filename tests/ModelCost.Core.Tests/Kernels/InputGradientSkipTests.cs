using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Engine;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// The speed change in Network: layers upstream of every trainable weight (a leading Flatten or
/// pooling) get no output gradient, so the first Dense/Conv skips its input-gradient GEMM. Weight
/// gradients must be bit-identical to a run where the input gradient is requested (every buffer
/// wired), because skipping only removes work whose result nobody reads.
/// </summary>
public class InputGradientSkipTests
{
    [Fact]
    public void LeadingParameterlessLayersAreSkippedAndWeightGradientsUnchanged()
    {
        var spec = EngineTestKit.Spec([6, 6, 2],
            EngineTestKit.L("MaxPooling2D", pool: [2, 2]),
            EngineTestKit.L("Flatten"),
            EngineTestKit.L("Dense", units: 5, activation: "relu"),
            EngineTestKit.L("Dense", units: 3));
        var model = ShapeInference.Resolve(spec);

        float[] Grads(bool requestInput, out Network net)
        {
            net = new Network(model, 4, training: true, threads: 2);
            WeightInitializer.Initialize(net, 3);
            if (requestInput) net.RequestInputGradient();
            var rng = new DeterministicRandom(5);
            for (int i = 0; i < 4 * net.InputSize; i++) net.Input[i] = (float)rng.NextNormal();
            net.Forward(4, training: true);
            for (int i = 0; i < 4 * net.OutputSize; i++) net.Last.OutputGrad![i] = (float)rng.NextNormal();
            net.Backward(4);
            return (float[])net.Grads.Clone();
        }

        var skipped = Grads(false, out var lean);
        var full = Grads(true, out var wired);
        using (lean)
        using (wired)
        {
            Assert.False(lean.NeedsGrad[0]); // pooling: no weights, fed by the input
            Assert.False(lean.NeedsGrad[1]); // flatten: same
            Assert.True(lean.NeedsGrad[2]);
            Assert.Null(lean.Layers[2].InputGrads[0]); // first Dense computes no dX
            Assert.NotNull(wired.Layers[2].InputGrads[0]);
            Assert.Equal(full, skipped);
        }
    }
}
