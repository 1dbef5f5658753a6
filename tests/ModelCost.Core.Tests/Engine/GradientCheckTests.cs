using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Every layer's backward against central finite differences (tolerance justified in <see cref="EngineTestKit.GradientCheck"/>).</summary>
public class GradientCheckTests
{
    [Fact] public void DenseTanh() => GradientCheck(Spec([5], L("Dense", units: 4, activation: "tanh"), L("Dense", units: 3)));

    [Fact] public void DenseOnLastAxisOfRank3Input() =>
        GradientCheck(Spec([4, 5], L("Dense", units: 3, activation: "sigmoid"), L("Flatten"), L("Dense", units: 2)));

    [Fact] public void HiddenSoftmax() => GradientCheck(Spec([6], L("Dense", units: 5, activation: "softmax"), L("Dense", units: 3)));

    [Fact] public void Conv2DValid() =>
        GradientCheck(Spec([6, 7, 2], L("Conv2D", filters: 3, kernel: [3, 2], activation: "tanh"), L("Flatten"), L("Dense", units: 2)));

    [Fact] public void Conv2DSameStride2OddPadding() =>
        GradientCheck(Spec([7, 6, 2], L("Conv2D", filters: 3, kernel: [4, 3], strides: [2, 2], padding: "same", activation: "tanh")));

    [Fact] public void Conv2DPointwiseUsesDirectPath() =>
        GradientCheck(Spec([4, 4, 3], L("Conv2D", filters: 5, kernel: [1], activation: "tanh"), L("Conv2D", filters: 2, kernel: [1])));

    [Fact] public void Conv1DSame() =>
        GradientCheck(Spec([9, 3], L("Conv1D", filters: 4, kernel: [3], padding: "same", activation: "tanh"), L("Flatten"), L("Dense", units: 2)));

    [Fact] public void Conv3DSameStride2() =>
        GradientCheck(Spec([4, 5, 4, 2], L("Conv3D", filters: 3, kernel: [2, 3, 2], strides: [2, 1, 2], padding: "same", activation: "tanh")));

    [Fact] public void DepthwiseConv2DMultiplier2SameStride2() =>
        GradientCheck(Spec([6, 5, 3], L("DepthwiseConv2D", kernel: [3], strides: [2], padding: "same", depthMultiplier: 2, activation: "tanh")));

    [Fact] public void SeparableConv2D() =>
        GradientCheck(Spec([6, 6, 3], L("SeparableConv2D", filters: 4, kernel: [3], depthMultiplier: 2, activation: "tanh"), L("Flatten"), L("Dense", units: 2)));

    [Fact] public void MaxPooling2DRoutesToTheMaximum() =>
        GradientCheck(Spec([6, 6, 2], L("MaxPooling2D"), L("Flatten"), L("Dense", units: 3)), input: Distinct(3 * 72));

    [Fact] public void MaxPooling2DSameOverlapping() =>
        GradientCheck(Spec([5, 5, 2], L("MaxPooling2D", pool: [3], strides: [2], padding: "same"), L("Flatten"), L("Dense", units: 3)), input: Distinct(3 * 50));

    [Fact] public void MaxPooling1DAnd3D()
    {
        GradientCheck(Spec([7, 2], L("MaxPooling1D"), L("Flatten"), L("Dense", units: 2)), input: Distinct(3 * 14));
        GradientCheck(Spec([4, 4, 4, 2], L("MaxPooling3D"), L("Flatten"), L("Dense", units: 2)), input: Distinct(3 * 128));
    }

    [Fact] public void AveragePooling2DSameCountsOnlyValidCells() =>
        GradientCheck(Spec([5, 5, 2], L("AveragePooling2D", pool: [2], padding: "same"), L("Flatten"), L("Dense", units: 3)));

    [Fact] public void GlobalAveragePooling2D() =>
        GradientCheck(Spec([4, 3, 5], L("Conv2D", filters: 3, kernel: [2], activation: "tanh"), L("GlobalAveragePooling2D"), L("Dense", units: 2)));

    [Fact] public void BatchNormalizationTrainingMode() =>
        GradientCheck(Spec([4, 4, 2], L("Conv2D", filters: 3, kernel: [2], activation: "tanh"), L("BatchNormalization"), L("Flatten"), L("Dense", units: 2, activation: "tanh")), batch: 4);

    [Fact] public void DropoutWithFixedMask() =>
        GradientCheck(Spec([12], L("Dense", units: 10, activation: "tanh"), L("Dropout", rate: 0.4), L("Dense", units: 3)));

    [Fact] public void SimpleRnnSequences() =>
        GradientCheck(Spec([5, 3], L("SimpleRNN", units: 4, returnSequences: true), L("SimpleRNN", units: 3)));

    [Fact] public void Lstm() =>
        GradientCheck(Spec([5, 3], L("LSTM", units: 4, returnSequences: true), L("LSTM", units: 3)));

    [Fact] public void Gru() =>
        GradientCheck(Spec([5, 3], L("GRU", units: 4, returnSequences: true), L("GRU", units: 3)));

    [Fact] public void AddConcatenateAndFanOut() =>
        GradientCheck(Spec([6],
            L("Dense", units: 4, activation: "tanh", name: "a"),
            L("Dense", units: 4, activation: "sigmoid", name: "b", inputs: ["a"]),
            L("Add", name: "sum", inputs: ["a", "b"]),
            L("Concatenate", name: "cat", inputs: ["sum", "a"]),
            L("Dense", units: 3)));

    [Fact] public void ConcatenateOnInnerAxisAndZeroPadding() =>
        GradientCheck(Spec([4, 4, 2],
            L("ZeroPadding2D", name: "pad", zeroPadding: [1, 2, 0, 1]),
            L("Conv2D", filters: 2, kernel: [3], padding: "same", activation: "tanh", name: "c1"),
            L("Conv2D", filters: 2, kernel: [1], activation: "tanh", name: "c2", inputs: ["pad"]),
            L("Concatenate", inputs: ["c1", "c2"], axis: 1),
            L("Flatten"), L("Dense", units: 2)));

    [Theory]
    [InlineData("relu")] [InlineData("sigmoid")] [InlineData("tanh")] [InlineData("elu")] [InlineData("selu")]
    [InlineData("gelu")] [InlineData("swish")] [InlineData("softplus")] [InlineData("softsign")] [InlineData("relu6")]
    [InlineData("leaky_relu")] [InlineData("exponential")] [InlineData("hard_sigmoid")] [InlineData("softmax")]
    public void ActivationLayer(string activation)
    {
        // Inputs in ±(0.05..1.25), spaced 0.1 apart: never within eps of a kink (relu, relu6 at 0/6, hard_sigmoid at ±3).
        var d = Distinct(3 * 25);
        GradientCheck(Spec([25], L("Activation", activation: activation)), input: i => d(i) / 3f + (d(i) > 0 ? 0.03f : -0.03f));
    }
}
