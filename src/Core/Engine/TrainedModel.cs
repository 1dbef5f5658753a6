using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>A spec with its learned weights: what training produces and what a safetensors file holds.</summary>
public sealed class TrainedModel : ITrainedModelSource
{
    public TrainedModel(ModelSpec spec, IReadOnlyList<NamedTensor> tensors)
    {
        Spec = spec;
        Tensors = tensors;
    }

    public ModelSpec Spec { get; }

    /// <summary>Every weight, including non-trainable ones (BatchNormalization moving statistics).</summary>
    public IReadOnlyList<NamedTensor> Tensors { get; }

    ModelSpec IModelSource.GetSpec() => Spec;

    TrainedModel ITrainedModelSource.GetTrainedModel() => this;

    TrainedModel? IModelSource.GetTrainedModel() => this;
}
