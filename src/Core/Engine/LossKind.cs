namespace ModelCost.Core.Engine;

/// <summary>The training losses, fused with the last layer's activation as Keras does (docs/engine.md).</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum LossKind
{
    /// <summary>Labels are class indices (the default).</summary>
    SparseCategoricalCrossentropy,

    /// <summary>Same arithmetic as the sparse form on integer labels; no one-hot matrix is built.</summary>
    CategoricalCrossentropy,

    /// <summary>A sigmoid output (or two softmax classes) against 0/1 labels.</summary>
    BinaryCrossentropy,
}
