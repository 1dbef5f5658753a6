namespace ModelCost.Core.Engines;

/// <summary>The operations an engine offers; an engine that lacks one refuses it with UnsupportedByEngine.</summary>
[Flags]
public enum EngineOperations
{
    None = 0,
    Train = 1,
    Evaluate = 2,
    MeasureLatency = 4,
    All = Train | Evaluate | MeasureLatency,
}
