namespace ModelCost.Core.Errors;

/// <summary>
/// Stable error identifiers. They appear in PowerShell's FullyQualifiedErrorId and in docs/errors.md;
/// scripts match on them, so never rename one. Add new ones in a partial file per area (ErrorIds.Area.cs).
/// </summary>
public static partial class ErrorIds
{
    // Specs
    public const string UnknownLayerType = "UnknownLayerType";
    public const string UnknownLayerOption = "UnknownLayerOption";
    public const string InvalidLayerOption = "InvalidLayerOption";
    public const string MissingLayerOption = "MissingLayerOption";
    public const string InvalidInputShape = "InvalidInputShape";
    public const string KernelLargerThanInput = "KernelLargerThanInput";
    public const string FlattenOfFlatInput = "FlattenOfFlatInput";
    public const string IncompatibleInputRank = "IncompatibleInputRank";
    public const string MergeShapeMismatch = "MergeShapeMismatch";
    public const string DanglingLayerInput = "DanglingLayerInput";
    public const string DuplicateLayerName = "DuplicateLayerName";
    public const string ShapeOverflow = "ShapeOverflow";
    public const string EmptyModel = "EmptyModel";
    public const string LayerStringSyntax = "LayerStringSyntax";
    public const string YamlSyntax = "YamlSyntax";
    public const string YamlSchema = "YamlSchema";
    public const string UnknownApiVersion = "UnknownApiVersion";
    public const string UnknownKind = "UnknownKind";
    public const string KerasConfigInvalid = "KerasConfigInvalid";
    public const string KerasLayerUnsupported = "KerasLayerUnsupported";
    public const string UnknownSpecFormat = "UnknownSpecFormat";

    // Costing
    public const string UnknownConvention = "UnknownConvention";
    public const string InvalidConvention = "InvalidConvention";
    public const string BudgetExceeded = "BudgetExceeded";

    // Data
    public const string DataFileNotFound = "DataFileNotFound";
    public const string DatasetNotFound = "DatasetNotFound";
    public const string UnknownDataset = "UnknownDataset";
    public const string IdxBadMagic = "IdxBadMagic";
    public const string IdxTruncated = "IdxTruncated";
    public const string IdxBadDimensions = "IdxBadDimensions";
    public const string IdxCountMismatch = "IdxCountMismatch";
    public const string LabelOutOfRange = "LabelOutOfRange";
    public const string GzipCorrupt = "GzipCorrupt";
    public const string ChecksumMismatch = "ChecksumMismatch";
    public const string DownloadFailed = "DownloadFailed";
    public const string PathIsDirectory = "PathIsDirectory";

    // Trained models
    public const string SafetensorsCorrupt = "SafetensorsCorrupt";
    public const string SpecTensorMismatch = "SpecTensorMismatch";

    // Training
    public const string TrainingDiverged = "TrainingDiverged";
    public const string InvalidTrainingOption = "InvalidTrainingOption";
    public const string DatasetShapeMismatch = "DatasetShapeMismatch";
    public const string OperationCancelled = "OperationCancelled";

    // Writes
    public const string FileExists = "FileExists";
    public const string WriteFailed = "WriteFailed";
    public const string DirectoryNotFound = "DirectoryNotFound";

    // Reliability (issue 15)
    /// <summary>A write target that is a device node, a named pipe or a socket: an atomic replace would turn it into a plain file.</summary>
    public const string NotRegularFile = "NotRegularFile";

    /// <summary>An output file name that cannot be written portably (wildcard characters, too long).</summary>
    public const string InvalidFileName = "InvalidFileName";

    /// <summary>The memory a run needs (the model's own estimate) is more than the process may use, or an allocation failed.</summary>
    public const string InsufficientMemory = "InsufficientMemory";

    /// <summary>A trained model's weights hold NaN or infinity, or an F64 value beyond the float32 range.</summary>
    public const string NonFiniteWeights = "NonFiniteWeights";

    /// <summary>A model name that is too long or holds control characters.</summary>
    public const string InvalidModelName = "InvalidModelName";

    /// <summary>Spec text that is not UTF-8 (e.g. Latin-1) or holds NUL characters.</summary>
    public const string InvalidSpecEncoding = "InvalidSpecEncoding";
}
