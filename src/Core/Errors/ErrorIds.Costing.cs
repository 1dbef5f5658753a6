namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A cost figure (MACs, FLOPs, bytes) is beyond a 64-bit count.</summary>
    public const string CostOverflow = "CostOverflow";

    /// <summary>A costing option (batch size, device FLOP/s, a budget limit) is out of range.</summary>
    public const string InvalidCostOption = "InvalidCostOption";
}
