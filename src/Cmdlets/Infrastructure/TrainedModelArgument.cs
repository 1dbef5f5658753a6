using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Objects that carry trained weights: a TrainingResult (Invoke-ModelTraining) or a TrainedModel
/// (Import-TrainedModel). Evaluation, latency and export accept either.
/// </summary>
internal static class TrainedModelArgument
{
    public static TrainedModel Get(object input)
    {
        var value = input is PSObject pso ? pso.BaseObject : input;
        return value switch
        {
            TrainingResult result => result.GetTrainedModel(),
            TrainedModel model => model,
            _ => throw new ModelCostException(ErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                $"Expected a TrainingResult (from Invoke-ModelTraining) or a TrainedModel (from Import-TrainedModel), not a {value?.GetType().FullName ?? "null"}.", value),
        };
    }
}
