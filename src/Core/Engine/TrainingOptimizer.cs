namespace ModelCost.Core.Engine;

/// <summary>The optimizers training offers, with Keras defaults (docs/engine.md).</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum TrainingOptimizer
{
    Adam,
    AdamW,
    SGD,
    /// <summary>SGD with momentum (default 0.9), as costing's Momentum optimizer.</summary>
    Momentum,
    RMSprop,
    Adagrad,
}
