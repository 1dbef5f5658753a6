namespace ModelCost.Core.Engine;

/// <summary>A model with trained weights: a <see cref="TrainedModel"/> or a <see cref="TrainingResult"/>. Evaluation and export take either.</summary>
public interface ITrainedModelSource : IModelSource
{
    /// <summary>The spec and its trained weights.</summary>
    new TrainedModel GetTrainedModel();
}
