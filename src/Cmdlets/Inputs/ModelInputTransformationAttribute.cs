using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Inputs;

/// <summary>
/// On a typed -InputObject: turns a deserialized spec (Start-Job, Import-Clixml, ConvertFrom-Json) back into a
/// ModelSpec, and stops any other property bag here, so it is never converted to text and bound to -Path.
/// A copy of a trained model becomes a stand-in whose use raises DeserializedTrainedModel where the parameter
/// takes trained models; where it takes specs only, the refusal is the binding error itself.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ModelInputTransformationAttribute(ModelInputKind accepts) : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (!DeserializedObjects.IsPropertyBag(inputData)) return inputData;
        var bag = (PSObject)inputData!;
        // A deserialized FileInfo binds -LiteralPath through its PSPath, as the live one does.
        if (bag.Properties["PSPath"] is not null && DeserializedObjects.KindOf(bag) == DeserializedObjects.Kind.None) return inputData;
        try
        {
            switch (DeserializedObjects.KindOf(bag))
            {
                case DeserializedObjects.Kind.TrainingResult or DeserializedObjects.Kind.TrainedModel:
                    if (accepts == ModelInputKind.Spec) throw DeserializedObjects.NoWeights(bag);
                    return new DeserializedTrainedModel(DeserializedObjects.NoWeights(bag));
                case DeserializedObjects.Kind.ModelSpec when accepts != ModelInputKind.TrainedModel:
                    return DeserializedObjects.Rebuild(bag);
                default:
                    throw new ModelCostException(CmdletErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                        $"{DeserializedObjects.Describe(bag)} is not {(accepts == ModelInputKind.TrainedModel ? "a trained model" : "a model")}: pass "
                        + (accepts == ModelInputKind.TrainedModel ? "a TrainingResult, a TrainedModel or a .safetensors path." : "a spec (New-ModelSpec, Import-ModelSpec, or its deserialized copy), or a path."), bag);
            }
        }
        catch (ModelCostException ex)
        {
            // PowerShell reports this as the binding error of this one pipeline item; the next item is still read.
            throw new ArgumentTransformationMetadataException($"[{ex.ErrorId}] {ex.Message}", ex);
        }
    }

    /// <summary>A copy of a trained model where trained models are taken: the command reports the refusal with its own error id.</summary>
    private sealed class DeserializedTrainedModel(ModelCostException refusal) : ITrainedModelSource
    {
        public ModelSpec GetSpec() => throw refusal;
        TrainedModel? IModelSource.GetTrainedModel() => throw refusal;
        public TrainedModel GetTrainedModel() => throw refusal;
        public override string ToString() => refusal.Message;
    }
}
