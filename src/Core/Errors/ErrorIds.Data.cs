namespace ModelCost.Core.Errors;

// Error ids added by the data / trained-model area (IDX, datasets, safetensors, model files).
public static partial class ErrorIds
{
    /// <summary>An IDX file holds more bytes than its header describes (see docs/data.md, trailing data policy).</summary>
    public const string IdxTrailingData = "IdxTrailingData";

    /// <summary>A safetensors file is well formed but stores a dtype the module cannot turn into float32.</summary>
    public const string SafetensorsUnsupportedDtype = "SafetensorsUnsupportedDtype";

    /// <summary>A safetensors file has no ModelCost spec in its metadata (e.g. saved by PyTorch directly).</summary>
    public const string ModelMetadataMissing = "ModelMetadataMissing";

    /// <summary>A trained-model file was written by a newer, unknown format version.</summary>
    public const string UnsupportedModelFormat = "UnsupportedModelFormat";

    /// <summary>A tensor handed to the safetensors writer is inconsistent (name, shape vs data length).</summary>
    public const string InvalidTensor = "InvalidTensor";

    /// <summary>A data or model file exists but could not be read (permissions, I/O error).</summary>
    public const string DataFileUnreadable = "DataFileUnreadable";
}
