using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// One spec layer as libtorch operations on channels-last tensors (batch first, the spec's shapes after it).
/// Weights live in <see cref="TorchWeights"/> in their Keras layouts, so a layer reads the same tensors the
/// managed engine and the safetensors files hold; layers that need libtorch's layouts permute them per call.
/// </summary>
internal abstract class TorchLayer
{
    protected TorchLayer(ResolvedLayer spec, TorchWeights weights)
    {
        Spec = spec;
        Weights = weights;
    }

    public ResolvedLayer Spec { get; }

    protected TorchWeights Weights { get; }

    /// <summary>The activation applied to <see cref="Forward"/>'s result (linear for layers that apply theirs inside).</summary>
    public virtual string OutputActivation => Activations.Linear;

    /// <summary>The layer's output before <see cref="OutputActivation"/>.</summary>
    public abstract Tensor Forward(Tensor[] inputs, TorchStep step);

    protected Tensor W(string param) => Weights[Spec.Name + "." + param];

    protected Tensor? OptionalW(string param) => Weights.TryGet(Spec.Name + "." + param);
}
