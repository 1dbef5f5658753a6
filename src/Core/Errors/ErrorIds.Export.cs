namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A layer type or option the PyTorch exporter cannot express.</summary>
    public const string ExportUnsupportedLayer = "ExportUnsupportedLayer";
}
