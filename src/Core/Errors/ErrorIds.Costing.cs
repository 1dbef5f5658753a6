namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A cost figure (MACs, FLOPs, bytes) is beyond a 64-bit count.</summary>
    public const string CostOverflow = "CostOverflow";

    /// <summary>A costing option (batch size, device FLOP/s, a budget limit) is out of range.</summary>
    public const string InvalidCostOption = "InvalidCostOption";

    /// <summary>The number of data-parallel devices is below 1.</summary>
    public const string InvalidDeviceCount = "InvalidDeviceCount";

    /// <summary>A ZeRO strategy was asked for on a single device: there is nothing to partition across.</summary>
    public const string ParallelismNeedsDevices = "ParallelismNeedsDevices";

    /// <summary>The link bandwidth is zero, negative or not a finite number.</summary>
    public const string InvalidLinkBandwidth = "InvalidLinkBandwidth";
}
