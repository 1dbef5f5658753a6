using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// What a layer's backward reads besides its output gradient, which decides how long the memory plan keeps its
/// inputs and its output after forward (<see cref="MemoryPlan"/>). A layer type not named here reads both (the
/// conservative default), so a new layer is correct before anyone looks at it; naming one is an optimisation and
/// must match its Backward.
/// </summary>
internal static class BackwardReads
{
    /// <summary>Whether the backward of <paramref name="l"/> reads its inputs (<c>Inputs</c>) and its output (<c>Output</c>).</summary>
    public static (bool Inputs, bool Output) Of(ResolvedLayer l)
    {
        bool activated = Activation(l) != ActivationKind.Linear; // Layer.ActivationBackward reads Output (and Pre, kept apart)
        return l.Type switch
        {
            // dW = xᵀ·dz (or the unfolded x); dz from the output only when an activation is applied.
            LayerTypes.Dense or LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D
                or LayerTypes.DepthwiseConv2D or LayerTypes.SeparableConv2D => (true, activated),
            // x̂ is recomputed from the input with the batch mean and 1/σ the layer keeps.
            LayerTypes.BatchNormalization => (true, false),
            // relu, sigmoid, tanh, softmax… differentiate from y; gelu/swish from Pre, which the layer owns.
            LayerTypes.Activation => (false, true),
            // The gradient is routed, copied, cropped, masked (the mask is the layer's own) or spread evenly.
            LayerTypes.Add or LayerTypes.Concatenate or LayerTypes.ZeroPadding2D or LayerTypes.Cropping1D
                or LayerTypes.Flatten or LayerTypes.Reshape or LayerTypes.Dropout
                or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D
                or LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D => (false, false),
            _ => (true, true),
        };
    }

    /// <summary>The activation the layer applies to its own output (Layer.Act); linear for layers that apply none.</summary>
    public static ActivationKind Activation(ResolvedLayer l) => l.Type switch
    {
        LayerTypes.Dense or LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D or LayerTypes.DepthwiseConv2D
            or LayerTypes.SeparableConv2D or LayerTypes.Activation => ActivationMath.Parse(l.Activation),
        _ => ActivationKind.Linear,
    };
}
