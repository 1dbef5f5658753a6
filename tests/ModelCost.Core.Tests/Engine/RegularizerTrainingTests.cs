using System.Text.RegularExpressions;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using ModelCost.Core.Specs.KerasCode;
using ModelCost.Core.Tests.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// Weight regularizers in training, as Keras applies them: the reported loss is the mean sample loss plus
/// Σ L1·|w| + L2·w² over the regularized weights, and each such weight's gradient gains L1·sign(w) + 2·L2·w.
/// </summary>
public class RegularizerTrainingTests
{
    private static ModelSpec Spec(params string[] layers) => LayerSpecFactory.Create("tiny", [2], layers);

    [Fact]
    public void PenaltyAndGradientByHand()
    {
        // Dense 2→2 with kernel [[0.5, −1], [2, 0]], bias (0.25, −0.5); kernel l2(0.1), bias l1(0.5).
        // Penalty = 0.1·(0.25 + 1 + 4 + 0) + 0.5·(0.25 + 0.5) = 0.525 + 0.375 = 0.9.
        // Gradient added: kernel 2·0.1·w = (0.1, −0.2, 0.4, 0); bias 0.5·sign(b) = (0.5, −0.5).
        var spec = Spec("Dense(2, activation='softmax', kernel_regularizer=l2(0.1), bias_regularizer=l1(0.5))");
        using var net = new Network(ShapeInference.Resolve(spec), 1, training: true, threads: 1);
        int k = net.Offset("dense.kernel"), b = net.Offset("dense.bias");
        float[] kernel = [0.5f, -1f, 2f, 0f], bias = [0.25f, -0.5f];
        kernel.CopyTo(net.Params, k);
        bias.CopyTo(net.Params, b);
        Assert.True(net.Penalty.Any);
        Assert.Equal(0.9, net.Penalty.Value(net.Params), 12);
        Array.Clear(net.Grads);
        net.Penalty.AddGradient(net.Params, net.Grads);
        Assert.Equal([0.1f, -0.2f, 0.4f, 0f], net.Grads[k..(k + 4)]);
        Assert.Equal([0.5f, -0.5f], net.Grads[b..(b + 2)]);
    }

    [Fact]
    public void NoRegularizerNoPenalty()
    {
        using var net = new Network(ShapeInference.Resolve(Spec("Dense(2, activation='softmax')")), 1, training: true, threads: 1);
        Assert.False(net.Penalty.Any);
        Assert.Equal(0, net.Penalty.Value(net.Params));
    }

    private static TrainingData Data(int[] shape, int classes, int n)
    {
        int size = shape.Aggregate(1, (a, c) => a * c);
        var rng = new DeterministicRandom(3);
        var x = new float[n * size];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextNormal();
        var y = Enumerable.Range(0, n).Select(i => i % classes).ToArray();
        return new TrainingData { Name = "synthetic", SampleShape = shape, Classes = classes, TrainX = x, TrainY = y, TestX = x, TestY = y };
    }

    /// <summary>The weights training starts from (the initializer depends on the spec's layers and the seed, not on regularizers).</summary>
    private static float[] InitialKernel(ModelSpec spec, int seed, string slot)
    {
        using var net = new Network(ShapeInference.Resolve(spec), 1, training: true, threads: 1);
        WeightInitializer.Initialize(net, seed);
        var s = net.Slots.Single(x => x.Name == slot);
        return net.Params.AsSpan(net.Offset(slot), (int)s.Elements).ToArray();
    }

    private static float[] Tensor(TrainingResult r, string name) => r.GetTrainedModel().Tensors.Single(t => t.Name == name).Data;

    private static TrainingOptions OneSgdStep(int batch, bool evaluateTest = true) => new()
    {
        Epochs = 1, BatchSize = batch, Optimizer = TrainingOptimizer.SGD, LearningRate = 0.1, ValidationSplit = 0, Shuffle = false, Seed = 5, Threads = 1,
        EvaluateTest = evaluateTest,
    };

    [Fact]
    public void OneSgdStepOfATinyModelFollowsKerasFormula()
    {
        const double lambda = 0.01, lr = 0.1;
        var plain = Spec("Dense(3, activation='softmax')");
        var l2 = Spec("Dense(3, activation='softmax', kernel_regularizer=l2(0.01))");
        var data = Data([2], 3, 4);
        var a = Trainer.Train(plain, data, OneSgdStep(4));
        var r = Trainer.Train(l2, data, OneSgdStep(4));
        var w0 = InitialKernel(l2, 5, "dense.kernel");
        double sumSq = w0.Sum(w => (double)w * w);
        // One batch: loss = mean cross-entropy (same forward pass in both runs) + λ·Σw0².
        Assert.Equal(a.TrainLoss + lambda * sumSq, r.TrainLoss, 9);
        // SGD: w1 = w0 − lr·(g + 2λ·w0), so the regularized kernel ends lr·2λ·w0 below the plain one; the bias is untouched.
        var ka = Tensor(a, "dense.kernel"); var kr = Tensor(r, "dense.kernel");
        for (int i = 0; i < w0.Length; i++) Assert.Equal(ka[i] - lr * 2 * lambda * w0[i], kr[i], tolerance: 1e-6); // float32 weights
        Assert.Equal(Tensor(a, "dense.bias"), Tensor(r, "dense.bias"));
        // Evaluation (test loss, Invoke-ModelEvaluation) adds the penalty at the final weights, as Keras' evaluate does.
        var final = Tensor(r, "dense.kernel");
        var withReg = Evaluator.Evaluate(r.GetTrainedModel(), data, new EvaluationOptions { Split = DatasetSplit.Test });
        var withoutReg = Evaluator.Evaluate(new TrainedModel(plain, r.GetTrainedModel().Tensors), data, new EvaluationOptions { Split = DatasetSplit.Test });
        Assert.Equal(withoutReg.Loss + lambda * final.Sum(w => (double)w * w), withReg.Loss, 9);
        Assert.Equal(withReg.Loss, r.TestLoss, 9);
    }

    [Fact]
    public void L1StepUsesTheSignOfEachWeight()
    {
        const double lambda = 0.05, lr = 0.1;
        var data = Data([2], 3, 4);
        var a = Trainer.Train(Spec("Dense(3, activation='softmax')"), data, OneSgdStep(4));
        var l1 = Spec("Dense(3, activation='softmax', kernel_regularizer=l1(0.05))");
        var r = Trainer.Train(l1, data, OneSgdStep(4));
        var w0 = InitialKernel(l1, 5, "dense.kernel");
        Assert.Equal(a.TrainLoss + lambda * w0.Sum(w => Math.Abs((double)w)), r.TrainLoss, 9);
        var ka = Tensor(a, "dense.kernel"); var kr = Tensor(r, "dense.kernel");
        for (int i = 0; i < w0.Length; i++) Assert.Equal(ka[i] - lr * lambda * Math.Sign(w0[i]), kr[i], tolerance: 1e-6);
    }

    [Fact]
    public void Seed004DeeperClassifierLossGainsTheL2PenaltyOfItsKernels()
    {
        // The DeeperClassifier with l2(0.001) on its 9 kernels against the same network without regularizers, one SGD
        // step on two 28×28 images: the loss differs by exactly 0.001·Σ over the nine kernels of Σw² at the start.
        var reg = Assert.Single(KerasCodeReader.Read(SeedCodeTests.Seed004DeeperClassifier));
        var plain = Assert.Single(KerasCodeReader.Read(Regex.Replace(SeedCodeTests.Seed004DeeperClassifier, @", kernel_regularizer=(regularizers\.)?l2\(0\.001\)", "")));
        Assert.DoesNotContain(plain.Layers, l => l.HasRegularizer);
        var data = Data([28, 28, 1], 10, 2);
        var a = Trainer.Train(plain, data, OneSgdStep(2, evaluateTest: false));
        var r = Trainer.Train(reg, data, OneSgdStep(2, evaluateTest: false));
        double expected = 0;
        using (var net = new Network(ShapeInference.Resolve(reg), 1, training: true, threads: 1))
        {
            WeightInitializer.Initialize(net, 5);
            foreach (var s in net.Slots.Where(s => s.Param == "kernel"))
                expected += 0.001 * net.Params.AsSpan(net.Offset(s.Name), (int)s.Elements).ToArray().Sum(w => (double)w * w);
        }
        Assert.True(expected > 0.01, $"the nine kernels hold a sizeable penalty ({expected})");
        Assert.Equal(a.TrainLoss + expected, r.TrainLoss, 8);
    }

    [Fact]
    public void LeakyReluLayerUsesItsOwnSlope()
    {
        // LeakyReLU() is Keras' layer with negative_slope 0.3: (−1, 2) → (−0.3, 2); dL/dx = (0.3·g0, g1).
        var spec = LayerSpecFactory.Create("leaky", [2], ["LeakyReLU()"]);
        using var net = new Network(ShapeInference.Resolve(spec), 1, training: true, threads: 1);
        net.RequestInputGradient();
        net.Input[0] = -1; net.Input[1] = 2;
        net.Forward(1, training: true);
        Assert.Equal([-0.3f, 2f], net.Last.Output[..2]);
        net.Last.OutputGrad![0] = 1; net.Last.OutputGrad[1] = 1;
        net.Backward(1);
        Assert.Equal([0.3f, 1f], net.InputGrad![..2]);
        // The leaky_relu activation keeps Keras' 0.2: (−1, 2) → (−0.2, 2).
        using var act = new Network(ShapeInference.Resolve(LayerSpecFactory.Create("act", [2], ["Activation('leaky_relu')"])), 1, training: false, threads: 1);
        act.Input[0] = -1; act.Input[1] = 2;
        act.Forward(1, training: false);
        Assert.Equal([-0.2f, 2f], act.Last.Output[..2]);
    }
}
