using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Lets a ModelSpec parameter take what users naturally have at hand: a spec object, a spec file
/// (path string or FileInfo, YAML or Keras JSON), or YAML text. Anything else is passed through
/// unchanged so PowerShell reports its usual conversion error.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ModelSpecTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            switch (value)
            {
                case ModelSpec:
                    return value;
                case FileInfo file:
                    return ModelSpecReader.Load(file.FullName);
                case string text when LooksLikeYaml(text):
                    return ModelSpecYaml.Parse(text);
                case string path when !string.IsNullOrWhiteSpace(path):
                    return ModelSpecReader.Load(PathResolver.ResolveUnresolved(engineIntrinsics.SessionState, path));
                default:
                    return inputData;
            }
        }
        catch (ModelCostException ex)
        {
            throw new ArgumentTransformationMetadataException($"{ex.ErrorId}: {ex.Message}", ex);
        }
    }

    /// <summary>YAML text rather than a path: several lines, or the envelope's first key.</summary>
    private static bool LooksLikeYaml(string text) =>
        text.Contains('\n') || text.TrimStart().StartsWith("apiVersion:", StringComparison.Ordinal);
}
