namespace ModelCost.Core.Costing;

/// <summary>Optimizers; they differ in how many state slots per parameter they keep.</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum OptimizerKind
{
    Adam,
    AdamW,
    SGD,
    Momentum,
    RMSprop,
    Adagrad,
}
