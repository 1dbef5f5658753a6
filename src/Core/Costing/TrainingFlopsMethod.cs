namespace ModelCost.Core.Costing;

/// <summary>How training FLOPs per sample are counted.</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum TrainingFlopsMethod
{
    /// <summary>Forward plus each layer's backward (weight and input gradients; none for the first layer's input).</summary>
    Exact,

    /// <summary>Three times the forward count (seed 000's rule of thumb).</summary>
    ThreeTimesForward,
}
