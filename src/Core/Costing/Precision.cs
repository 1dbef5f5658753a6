namespace ModelCost.Core.Costing;

/// <summary>Numeric precision of weights (and of gradients / activations in the memory estimate).</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum Precision
{
    Float32,
    Float16,
    BFloat16,
    Int8,

    /// <summary>
    /// Mixed-precision training as the ZeRO paper counts it: 16-bit weights, gradients and activations,
    /// plus 32-bit master weights and 32-bit optimizer moments kept as optimizer state.
    /// </summary>
    Mixed,
}
