using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Forward passes, losses and optimiser steps against values worked out by hand (derivations in comments).</summary>
public class HandComputedTests
{
    private static Network Build(ModelSpec spec, int batch, bool training = true, bool keepLogits = false) =>
        new(ShapeInference.Resolve(spec), batch, training, threads: 2, keepLogits);

    [Fact]
    public void AdamTwoParametersKerasForm()
    {
        // Keras Adam, lr 1e-3, β1 0.9, β2 0.999, ε 1e-7; p = (1, −2), g = (0.5, −0.1) at every step.
        // Step 1: m = 0.1·g = (0.05, −0.01); v = 0.001·g² = (2.5e-4, 1e-5);
        //   α = 1e-3·√(1 − 0.999)/(1 − 0.9) = 1e-3·0.0316228/0.1 = 3.16228e-4;
        //   Δ1 = α·0.05/(√2.5e-4 + 1e-7) = 3.16228e-4 · 0.05/0.01581149 = 3.16228e-4 · 3.162258 = 9.99994e-4
        //   Δ2 = α·(−0.01)/(√1e-5 + 1e-7) = 3.16228e-4 · (−3.162178) = −9.99968e-4
        //   p = (0.999000006, −1.999000032).
        // Step 2 (same g): m = 0.9·0.05 + 0.1·0.5 = 0.095; v = 0.999·2.5e-4 + 0.001·0.25 = 4.9975e-4;
        //   α = 1e-3·√(1 − 0.998001)/(1 − 0.81) = 1e-3·0.04471018/0.19 = 2.353167e-4;
        //   Δ1 = 2.353167e-4 · 0.095/(0.02235503 + 1e-7) = 2.353167e-4 · 4.249585 = 1.0000e-3 (to 5e-9)
        //   so p1 ≈ 0.998000 (a constant gradient moves Adam by lr per step once bias-corrected).
        var opt = new Adam(1e-3, 2);
        using var pool = new WorkerPool(1);
        float[] p = [1f, -2f], g = [0.5f, -0.1f], next = new float[2];
        opt.Step(p, g, next, pool);
        Assert.Equal(0.999000006, next[0], 6);
        Assert.Equal(-1.999000032, next[1], 6);
        opt.Step(next, g, p, pool);
        Assert.Equal(0.998000, p[0], 5);
        Assert.Equal(-1.998000, p[1], 5);
    }

    [Fact]
    public void SgdMomentumAndRmsprop()
    {
        using var pool = new WorkerPool(1);
        // SGD lr 0.01, momentum 0.9, g = 0.5: u1 = −0.005 → p 0.995; u2 = 0.9·(−0.005) − 0.005 = −0.0095 → p 0.9855.
        var sgd = new Sgd(0.01, 1, 0.9);
        float[] p = [1f], g = [0.5f], next = new float[1];
        sgd.Step(p, g, next, pool);
        Assert.Equal(0.995, next[0], 6);
        sgd.Step(next, g, p, pool);
        Assert.Equal(0.9855, p[0], 6);
        // RMSprop lr 1e-3, ρ 0.9, ε 1e-7, g = 0.5: s = 0.1·0.25 = 0.025; Δ = 1e-3·0.5/√0.0250001 = 3.162271e-3 → p 0.996837729.
        var rms = new RmsProp(1e-3, 1);
        p[0] = 1f;
        rms.Step(p, g, next, pool);
        Assert.Equal(0.996837729, next[0], 6);
    }

    [Fact]
    public void AdagradKerasForm()
    {
        // Keras 3 Adagrad, lr 1e-3, initial accumulator 0.1, ε 1e-7; p = 1, g = 0.5 at every step.
        // Step 1: a = 0.1 + 0.25 = 0.35; Δ = 1e-3·0.5/√0.3500001 = 5e-4/0.59160806 = 8.451542e-4 → p 0.999154846.
        // Step 2: a = 0.6; Δ = 5e-4/√0.6000001 = 5e-4/0.77459673 = 6.454972e-4 → p 0.998509349.
        using var pool = new WorkerPool(1);
        var opt = new Adagrad(1e-3, 1);
        float[] p = [1f], g = [0.5f], next = new float[1];
        opt.Step(p, g, next, pool);
        Assert.Equal(0.999154846, next[0], 6);
        opt.Step(next, g, p, pool);
        Assert.Equal(0.998509349, p[0], 6);
    }

    [Fact]
    public void TrainingAcceptsEveryOptimizerCostingAccepts()
    {
        // Measure-ModelCost -Optimizer takes OptimizerKind's names; Invoke-ModelTraining must train with each of them.
        Assert.Equal(Enum.GetNames<ModelCost.Core.Costing.OptimizerKind>().Order(), Enum.GetNames<TrainingOptimizer>().Order());
        foreach (var name in Enum.GetNames<ModelCost.Core.Costing.OptimizerKind>())
            Assert.Equal(name, Trainer.CheckOptions(new TrainingOptions { Optimizer = Enum.Parse<TrainingOptimizer>(name) }).Optimizer.ToString());
        // Keras learning-rate defaults: SGD family 1e-2, the adaptive ones 1e-3.
        Assert.Equal(0.01, Trainer.CheckOptions(new TrainingOptions { Optimizer = TrainingOptimizer.Momentum }).LearningRate);
        Assert.Equal(0.001, Trainer.CheckOptions(new TrainingOptions { Optimizer = TrainingOptimizer.Adagrad }).LearningRate);
    }

    [Fact]
    public void SoftmaxCrossEntropyFromLogits()
    {
        // A Dense 3→3 with identity kernel and zero bias passes logits (1, 2, 3) through; label 2.
        // log Σ e^z = 3 + ln(1 + e^−1 + e^−2) = 3 + ln 1.5032147 = 3.4076059; loss = 3.4076059 − 3 = 0.4076059.
        // softmax = (e^−2, e^−1, 1)/1.5032147 = (0.0900306, 0.2447285, 0.6652410); dL/dz = softmax − onehot(2).
        var spec = Spec([3], L("Dense", units: 3, activation: "softmax"));
        using var net = Build(spec, 1, keepLogits: true);
        var k = net.Params.AsSpan(net.Offset("dense.kernel"), 9);
        k.Clear(); k[0] = k[4] = k[8] = 1;
        net.Input[0] = 1; net.Input[1] = 2; net.Input[2] = 3;
        var loss = new LossFunction(net, LossKind.SparseCategoricalCrossentropy);
        net.Forward(1, true);
        var (l, c) = loss.Compute(1, [2], gradient: true);
        Assert.Equal(0.4076059, l, 6);
        Assert.Equal(1, c);
        Assert.Equal(0.0900306, net.Last.OutputGrad![0], 6);
        Assert.Equal(0.2447285, net.Last.OutputGrad[1], 6);
        Assert.Equal(0.6652410 - 1, net.Last.OutputGrad[2], 6);
        Assert.Equal(0.6652410, net.Last.Output[2], 6); // the layer still outputs probabilities
    }

    [Fact]
    public void SoftmaxCrossEntropyStaysFiniteWhenProbabilityUnderflows()
    {
        // Logits (0, 200): p0 = e^−200 underflows float, yet the loss for label 0 is exactly 200 (log-sum-exp ≈ 200).
        var spec = Spec([2], L("Dense", units: 2, activation: "softmax"));
        using var net = Build(spec, 1, keepLogits: true);
        var k = net.Params.AsSpan(net.Offset("dense.kernel"), 4);
        k.Clear(); k[0] = k[3] = 1;
        net.Input[0] = 0; net.Input[1] = 200;
        var loss = new LossFunction(net, LossKind.CategoricalCrossentropy);
        net.Forward(1, false);
        Assert.Equal(200, loss.Compute(1, [0], false).Loss, 4);
    }

    [Fact]
    public void BinaryCrossEntropyWithSigmoid()
    {
        // Logit 0, label 1: −ln σ(0) = ln 2 = 0.6931472. Logit 2, label 0: −ln(1 − σ(2)) = ln(1 + e²) = 2.1269280.
        // Mean over the batch of 2 = 1.4100376; accuracy: 0 > 0 is false → predicts 0 ≠ 1; 2 > 0 → predicts 1 ≠ 0 → 0 correct.
        var spec = Spec([1], L("Dense", units: 1, activation: "sigmoid"));
        using var net = Build(spec, 2, keepLogits: true);
        net.Params[net.Offset("dense.kernel")] = 1;
        net.Input[0] = 0; net.Input[1] = 2;
        var loss = new LossFunction(net, LossKind.BinaryCrossentropy);
        net.Forward(2, true);
        var (l, c) = loss.Compute(2, [1, 0], true);
        Assert.Equal(0.6931472 + 2.1269280, l, 6);
        Assert.Equal(0, c);
        // dL/dz = (σ(z) − t)/n: (0.5 − 1)/2 = −0.25; (0.88079708 − 0)/2 = 0.44039854.
        Assert.Equal(-0.25, net.Last.OutputGrad![0], 6);
        Assert.Equal(0.44039854, net.Last.OutputGrad[1], 6);
    }

    [Fact]
    public void Conv2DValidAndSameByHand()
    {
        // 3×3 input 1..9 (one channel), 2×2 kernel of ones, no bias contribution (zero).
        // valid: windows {1,2,4,5}=12, {2,3,5,6}=16, {4,5,7,8}=24, {5,6,8,9}=28.
        // same: TF pads the odd extra row/column after, so the 3×3 output adds the bottom/right window
        // edges: row 0 = 12, 16, 3+6=9; row 1 = 24, 28, 6+9=15; row 2 = 7+8=15, 8+9=17, 9.
        foreach (var (padding, expected) in new[] { ("valid", new float[] { 12, 16, 24, 28 }), ("same", new float[] { 12, 16, 9, 24, 28, 15, 15, 17, 9 }) })
        {
            using var net = Build(Spec([3, 3, 1], L("Conv2D", filters: 1, kernel: [2], padding: padding)), 1, training: false);
            net.Params.AsSpan(net.Offset("conv2d.kernel"), 4).Fill(1);
            net.Params[net.Offset("conv2d.bias")] = 0;
            for (int i = 0; i < 9; i++) net.Input[i] = i + 1;
            net.Forward(1, false);
            Assert.Equal(expected, net.Last.Output[..expected.Length]);
        }
    }

    [Fact]
    public void BatchNormalizationStatisticsByHand()
    {
        // One channel, batch values 1, 2, 3, 4: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25.
        // y(1) = (1 − 2.5)/√(1.25 + 0.001) = −1.5/1.1184811 = −1.3411045 (γ 1, β 0).
        // Moving mean 0·0.99 + 2.5·0.01 = 0.025; moving variance 1·0.99 + 1.25·0.01 = 1.0025.
        // Inference afterwards uses the moving statistics: y(1) = (1 − 0.025)/√(1.0025 + 0.001) = 0.975/1.0017485 = 0.9732982.
        using var net = Build(Spec([1], L("BatchNormalization")), 4);
        WeightInitializer.Initialize(net, 0);
        for (int i = 0; i < 4; i++) net.Input[i] = i + 1;
        net.Forward(4, true);
        Assert.Equal(-1.3411045, net.Last.Output[0], 5);
        Assert.Equal(0.025, net.State[net.Offset("batch_normalization.moving_mean")], 6);
        Assert.Equal(1.0025, net.State[net.Offset("batch_normalization.moving_variance")], 6);
        net.Forward(1, false);
        Assert.Equal(0.9732982, net.Last.Output[0], 5);
    }

    [Fact]
    public void MaxAndAveragePoolingByHand()
    {
        // 4×4 input 1..16, pool 2: max = 6, 8, 14, 16; average = (1+2+5+6)/4 = 3.5, 5.5, 11.5, 13.5.
        using var max = Build(Spec([4, 4, 1], L("MaxPooling2D")), 1, false);
        using var avg = Build(Spec([4, 4, 1], L("AveragePooling2D")), 1, false);
        for (int i = 0; i < 16; i++) max.Input[i] = avg.Input[i] = i + 1;
        max.Forward(1, false); avg.Forward(1, false);
        Assert.Equal([6f, 8, 14, 16], max.Last.Output);
        Assert.Equal([3.5f, 5.5f, 11.5f, 13.5f], avg.Last.Output);
    }

    [Fact]
    public void InitialisersFollowKeras()
    {
        // Glorot uniform for Dense 784→256: limit √(6/(784+256)) = 0.0759555; Conv 3×3×16→32: fans 144, 288 → √(6/432) = 0.1178511.
        // Orthogonal recurrent kernel (units 8, 4·8 columns): rows orthonormal, so K·Kᵀ = I.
        // LSTM bias: forget-gate quarter is 1 (unit_forget_bias), the rest 0. BN gamma 1, beta 0, mean 0, variance 1.
        var spec = Spec([28, 28, 1], L("Conv2D", filters: 16, kernel: [3]), L("Conv2D", filters: 32, kernel: [3]), L("Flatten"), L("Dense", units: 256));
        using var net = Build(spec, 1, false);
        WeightInitializer.Initialize(net, 3);
        var k2 = net.Params.AsSpan(net.Offset("conv2d_1.kernel"), 3 * 3 * 16 * 32).ToArray();
        Assert.True(k2.Max() <= 0.1178511f && k2.Min() >= -0.1178511f && k2.Max() > 0.11f && k2.Min() < -0.11f);
        using var rnn = Build(Spec([5, 3], L("LSTM", units: 8), L("Dense", units: 2)), 1, false);
        WeightInitializer.Initialize(rnn, 3);
        var rk = rnn.Params.AsSpan(rnn.Offset("lstm.recurrent_kernel"), 8 * 32).ToArray();
        for (int a = 0; a < 8; a++)
            for (int b = 0; b < 8; b++)
            {
                double dot = 0;
                for (int j = 0; j < 32; j++) dot += (double)rk[a * 32 + j] * rk[b * 32 + j];
                Assert.Equal(a == b ? 1.0 : 0.0, dot, 5);
            }
        var bias = rnn.Params.AsSpan(rnn.Offset("lstm.bias"), 32).ToArray();
        Assert.Equal(Enumerable.Range(0, 32).Select(i => i is >= 8 and < 16 ? 1f : 0f), bias);
    }
}
