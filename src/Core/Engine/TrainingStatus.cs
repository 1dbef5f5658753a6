namespace ModelCost.Core.Engine;

/// <summary>How a training run ended. A run that did not complete still returns its History and last good weights.</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum TrainingStatus
{
    /// <summary>Every epoch ran (and the test split was evaluated when asked).</summary>
    Completed,

    /// <summary>A batch loss was not finite; the weights are those of the step before it.</summary>
    Diverged,

    /// <summary>Cancelled (Ctrl+C); the weights are those after the last whole optimizer step.</summary>
    Cancelled,
}
