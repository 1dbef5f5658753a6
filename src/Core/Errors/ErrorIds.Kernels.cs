namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    // Latency measurement (Measure-ModelLatency)
    public const string InvalidLatencyOption = "InvalidLatencyOption";
}
