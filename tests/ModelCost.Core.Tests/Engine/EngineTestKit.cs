using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Spec builders and the finite-difference gradient check shared by the engine tests.</summary>
internal static class EngineTestKit
{
    public static LayerSpec L(string type, int? units = null, int? filters = null, int[]? kernel = null, int[]? strides = null,
        string? padding = null, string? activation = null, int[]? pool = null, string? name = null, string[]? inputs = null,
        bool? returnSequences = null, int? depthMultiplier = null, double? rate = null, int[]? zeroPadding = null, int? axis = null) =>
        new()
        {
            Type = type, Units = units, Filters = filters, KernelSize = kernel, Strides = strides, Padding = padding,
            Activation = activation, PoolSize = pool, Name = name, Inputs = inputs, ReturnSequences = returnSequences,
            DepthMultiplier = depthMultiplier, Rate = rate, ZeroPadding = zeroPadding, Axis = axis,
        };

    public static ModelSpec Spec(int[] input, params LayerSpec[] layers) => new() { Name = "check", InputShape = input, Layers = layers };

    /// <summary>
    /// Checks every analytic gradient (weights, and the input when <paramref name="checkInput"/>) of
    /// L = Σ output·R (R fixed random) against central differences.
    /// <para>The network runs in float32; L is summed in double. With eps = 1e-2 the truncation
    /// error of a central difference is eps²·|L'''|/6 ≈ 1e-5 for these O(1) smooth functions, and
    /// float rounding of L (≈ 1e-7·Σ|y·R| ≈ 1e-6) contributes ≈ 1e-6/(2·eps) = 5e-5. A tolerance of
    /// 2e-3 absolute + 2e-2 relative is 20× above both yet far below the error of any wrong
    /// derivative term (a missing factor or transposed index changes gradients by O(0.1–1)).</para>
    /// </summary>
    public static void GradientCheck(ModelSpec spec, int batch = 3, int threads = 2, bool checkInput = true,
        Func<int, float>? input = null, double eps = 1e-2, int maxPerTensor = 40, bool randomizeWeights = true)
    {
        var model = ShapeInference.Resolve(spec);
        using var net = new Network(model, batch, training: true, threads) { Seed = 7, Step = 3 };
        WeightInitializer.Initialize(net, 11);
        var rng = new DeterministicRandom(99);
        if (checkInput) net.RequestInputGradient();
        if (randomizeWeights)
            for (int i = 0; i < net.Params.Length; i++) net.Params[i] += (float)(0.1 * rng.NextNormal());
        int inLen = batch * net.InputSize;
        for (int i = 0; i < inLen; i++) net.Input[i] = input is null ? (float)rng.NextNormal() : input(i);
        int outLen = batch * net.OutputSize;
        var r = new float[outLen];
        for (int i = 0; i < outLen; i++) r[i] = (float)rng.NextNormal();

        double Loss()
        {
            net.Forward(batch, training: true);
            double s = 0;
            var y = net.Last.Output;
            for (int i = 0; i < outLen; i++) s += (double)y[i] * r[i];
            return s;
        }

        Loss();
        r.AsSpan().CopyTo(net.Last.OutputGrad);
        net.Backward(batch);
        var analytic = (float[])net.Grads.Clone();
        var analyticIn = checkInput ? (float[])net.InputGrad!.Clone() : [];

        int failures = 0;
        var messages = new List<string>();
        void Compare(string what, float a, double num)
        {
            double tol = 2e-3 + 2e-2 * Math.Max(Math.Abs(a), Math.Abs(num));
            if (Math.Abs(a - num) > tol || double.IsNaN(a))
            {
                failures++;
                if (messages.Count < 8) messages.Add($"{what}: analytic {a:G6} vs numeric {num:G6}");
            }
        }

        foreach (var slot in net.Slots.Where(s => s.Trainable))
        {
            int off = net.Offset(slot.Name), len = (int)slot.Elements;
            int step = Math.Max(1, len / maxPerTensor);
            for (int k = 0; k < len; k += step)
            {
                var p = net.Params;
                float orig = p[off + k];
                p[off + k] = (float)(orig + eps); double lp = Loss();
                p[off + k] = (float)(orig - eps); double lm = Loss();
                p[off + k] = orig;
                Compare($"{slot.Name}[{k}]", analytic[off + k], (lp - lm) / (2 * eps));
            }
        }
        if (checkInput)
        {
            int step = Math.Max(1, inLen / (2 * maxPerTensor));
            for (int k = 0; k < inLen; k += step)
            {
                float orig = net.Input[k];
                net.Input[k] = (float)(orig + eps); double lp = Loss();
                net.Input[k] = (float)(orig - eps); double lm = Loss();
                net.Input[k] = orig;
                Compare($"input[{k}]", analyticIn[k], (lp - lm) / (2 * eps));
            }
        }
        Assert.True(failures == 0, $"{failures} gradient mismatches: {string.Join("; ", messages)}");
    }

    /// <summary>Distinct values spaced 0.1 apart in a fixed shuffled order: no ties or near-ties for max pooling or kinks.</summary>
    public static Func<int, float> Distinct(int count, int seed = 5)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new DeterministicRandom((ulong)seed).Shuffle(order);
        return i => (order[i] - count / 2 + 0.5f) * 0.1f; // never within 0.05 of zero
    }
}
