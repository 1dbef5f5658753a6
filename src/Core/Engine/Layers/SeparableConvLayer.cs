using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Layers;

/// <summary>
/// SeparableConv2D = depthwise conv (no bias, linear) into an internal buffer, then a 1×1 conv
/// with the layer's bias and activation; both halves reuse the depthwise and GEMM conv code.
/// </summary>
internal sealed class SeparableConvLayer : Layer
{
    private readonly DepthwiseConvLayer _depthwise;
    private readonly ConvLayer _pointwise;

    public SeparableConvLayer(Network net, ResolvedLayer l) : base(net, l)
    {
        int mid = l.InputShape[^1] * l.DepthMultiplier;
        int[] midShape = [l.OutputShape[0], l.OutputShape[1], mid];
        var dw = new ResolvedLayer
        {
            Index = l.Index, Name = l.Name, Type = LayerTypes.DepthwiseConv2D, Spec = l.Spec,
            InputNames = l.InputNames, InputIndices = l.InputIndices, InputShapes = l.InputShapes, OutputShape = midShape,
            TrainableParams = 0, NonTrainableParams = 0,
            KernelSize = l.KernelSize, Strides = l.Strides, PadBefore = l.PadBefore, PadAfter = l.PadAfter, Padding = l.Padding,
            DepthMultiplier = l.DepthMultiplier, UseBias = false, Activation = Activations.Linear,
        };
        var pw = new ResolvedLayer
        {
            Index = l.Index, Name = l.Name, Type = LayerTypes.Conv2D, Spec = l.Spec,
            InputNames = [l.Name], InputIndices = [l.Index], InputShapes = [midShape], OutputShape = l.OutputShape,
            TrainableParams = 0, NonTrainableParams = 0,
            Filters = l.Filters, KernelSize = [1, 1], Strides = [1, 1], PadBefore = [0, 0], PadAfter = [0, 0], Padding = "valid",
            UseBias = l.UseBias, Activation = l.Activation,
        };
        _depthwise = new DepthwiseConvLayer(net, dw);
        _pointwise = new ConvLayer(net, pw, "pointwise_kernel");
        Act = _pointwise.Act;
    }

    public override void Allocate(int capacity, bool training)
    {
        // The depthwise half's output is this layer's own intermediate; the pointwise half writes the planned buffers.
        _pointwise.KeepLogits = KeepLogits;
        _depthwise.AllocateOwnBuffers(capacity, training);
        _depthwise.Allocate(capacity, training);
        _pointwise.Output = Output;
        _pointwise.OutputGrad = OutputGrad;
        _pointwise.Pre = Pre;
        _pointwise.Inputs[0] = _depthwise.Output;
        _pointwise.InputGrads[0] = _depthwise.OutputGrad;
        _pointwise.Allocate(capacity, training);
    }

    public override void Forward(int n, bool training)
    {
        _depthwise.Inputs[0] = Inputs[0];
        _depthwise.InputGrads[0] = InputGrads[0];
        _pointwise.FusedActivation = FusedActivation;
        _depthwise.Forward(n, training);
        _pointwise.Forward(n, training);
    }

    public override void Backward(int n)
    {
        _pointwise.FusedActivation = FusedActivation;
        _pointwise.Backward(n);
        _depthwise.Backward(n);
    }
}
