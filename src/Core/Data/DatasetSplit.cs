namespace ModelCost.Core.Data;

/// <summary>A split of a dataset.</summary>
// Names, not numbers, in JSON: PowerShell's ConvertTo-Json hands enum values to Newtonsoft.Json, which honours
// this type-level converter (docs/terminal.md, "JSON").
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum DatasetSplit
{
    Test,
    Train,
}
