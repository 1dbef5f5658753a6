using Xunit;

namespace ModelCost.Core.Tests.Data;

/// <summary>Tests that set $MODELCOST_DATA run alone: the variable is process-wide and other tests resolve datasets too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
