namespace ModelCost.Core.Costing;

/// <summary>
/// How model state is spread over data-parallel devices (ZeRO stages as in Rajbhandari et al., 2020).
/// Every strategy replicates the activations of each device's own batch.
/// </summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum Parallelism
{
    /// <summary>DistributedDataParallel: every device keeps all weights, gradients and optimizer state; gradients are all-reduced.</summary>
    DDP,

    /// <summary>ZeRO stage 1 (P_os): optimizer state partitioned.</summary>
    ZeRO1,

    /// <summary>ZeRO stage 2 (P_os+g): optimizer state and gradients partitioned.</summary>
    ZeRO2,

    /// <summary>ZeRO stage 3 (P_os+g+p): optimizer state, gradients and weights partitioned.</summary>
    ZeRO3,
}
