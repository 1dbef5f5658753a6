using ModelCost.Core.Specs;

namespace ModelCost.PS.Validation;

/// <summary>What -InputDtype accepts: the core's input dtypes (float32, int32).</summary>
public sealed class InputDtypeNames : INameSet
{
    public IReadOnlyList<string> Names => InputDtypes.All;
}
