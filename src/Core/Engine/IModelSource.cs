using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// A model an engine can run: a <see cref="ModelSpec"/> alone (weights initialised as training starts,
/// Keras initialisers, seed 0) or a spec with trained weights (<see cref="TrainedModel"/>,
/// <see cref="TrainingResult"/>). Measure-ModelLatency takes any of them.
/// </summary>
public interface IModelSource
{
    ModelSpec GetSpec();

    /// <summary>The trained weights, or null for a spec alone.</summary>
    TrainedModel? GetTrainedModel();
}
