namespace ModelCost.Core.Errors;

/// <summary>
/// Every error id the core raises, in one place. They appear in PowerShell's FullyQualifiedErrorId and
/// in docs/errors.md; scripts match on them, so never rename one. Ids only the PowerShell layer raises
/// (paths, pipeline objects) are in ModelCost.PS's CmdletErrorIds.
/// </summary>
public static class ErrorIds
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
    /// <summary>A spec document or layer string is beyond the size, node or nesting limits (e.g. a YAML alias bomb).</summary>
    public const string SpecTooLarge = "SpecTooLarge";

    /// <summary>A spec file cannot be read (missing, a directory, unreadable).</summary>
    public const string SpecFileNotFound = "SpecFileNotFound";

    // Transformers (token inputs, sequence lengths, sizes the engine can hold)
    /// <summary>A layer other than Embedding reads the model's integer token ids (inputDtype int32).</summary>
    public const string IncompatibleInputType = "IncompatibleInputType";

    /// <summary>A sequence is longer than a PositionEmbedding's sequence_length allows.</summary>
    public const string SequenceTooLong = "SequenceTooLong";

    /// <summary>A weight tensor (e.g. a vocabulary × width embedding table) is larger than the engine can hold in memory.</summary>
    public const string ModelTooLarge = "ModelTooLarge";

    /// <summary>A token id fed to an Embedding is negative or not below its input_dim.</summary>
    public const string TokenIdOutOfRange = "TokenIdOutOfRange";

    // ONNX import and export
    /// <summary>The file is not an ONNX model: not protobuf, or protobuf without a graph, an IR version or an opset.</summary>
    public const string OnnxInvalid = "OnnxInvalid";

    /// <summary>The ONNX file ends inside a message or a tensor (a partial download or copy).</summary>
    public const string OnnxTruncated = "OnnxTruncated";

    /// <summary>The model's default-domain opset is outside the range this module reads (11 to 21).</summary>
    public const string OnnxOpsetUnsupported = "OnnxOpsetUnsupported";

    /// <summary>The graph's nodes feed each other in a cycle, or a node reads a tensor nothing produces.</summary>
    public const string OnnxGraphInvalid = "OnnxGraphInvalid";

    /// <summary>An initializer keeps its weights in an external data file that is missing, too short or outside the model's folder.</summary>
    public const string OnnxExternalDataMissing = "OnnxExternalDataMissing";

    /// <summary>A node's operator (or an attribute of it) cannot be mapped onto a spec layer; skipping unsupported nodes costs the rest.</summary>
    public const string OnnxOperatorUnsupported = "OnnxOperatorUnsupported";

    /// <summary>A trained model holds a layer or option that the ONNX exporter does not write.</summary>
    public const string OnnxExportUnsupported = "OnnxExportUnsupported";

    // Costing
    public const string UnknownConvention = "UnknownConvention";
    public const string InvalidConvention = "InvalidConvention";
    public const string BudgetExceeded = "BudgetExceeded";
    /// <summary>A cost figure (MACs, FLOPs, bytes) is beyond a 64-bit count.</summary>
    public const string CostOverflow = "CostOverflow";

    /// <summary>The number of data-parallel devices is below 1.</summary>
    public const string InvalidDeviceCount = "InvalidDeviceCount";

    /// <summary>A ZeRO strategy was asked for on a single device: there is nothing to partition across.</summary>
    public const string ParallelismNeedsDevices = "ParallelismNeedsDevices";

    /// <summary>The link bandwidth is zero, negative or not a finite number.</summary>
    public const string InvalidLinkBandwidth = "InvalidLinkBandwidth";

    /// <summary>A costing option (batch size, device FLOP/s, a budget limit) is out of range.</summary>
    public const string InvalidCostOption = "InvalidCostOption";

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

    // Trained models
    public const string SafetensorsCorrupt = "SafetensorsCorrupt";
    public const string SpecTensorMismatch = "SpecTensorMismatch";

    // Training
    public const string TrainingDiverged = "TrainingDiverged";
    public const string InvalidTrainingOption = "InvalidTrainingOption";
    public const string DatasetShapeMismatch = "DatasetShapeMismatch";
    public const string OperationCancelled = "OperationCancelled";
    /// <summary>A layer, activation or option the spec allows but an engine cannot compute.</summary>
    public const string UnsupportedByEngine = "UnsupportedByEngine";

    // Distributed training (the PyTorch ranks)
    /// <summary>The Python interpreter for the PyTorch engine cannot be started.</summary>
    public const string PythonNotFound = "PythonNotFound";

    /// <summary>The Python interpreter runs but cannot import torch.</summary>
    public const string TorchNotInstalled = "TorchNotInstalled";

    /// <summary>The rendezvous port for the ranks is already taken.</summary>
    public const string DistributedPortInUse = "DistributedPortInUse";

    /// <summary>A rank of a distributed training run exited with an error; every rank was stopped.</summary>
    public const string DistributedRankFailed = "DistributedRankFailed";

    /// <summary>The ranks of a distributed training run stopped making progress; every rank was stopped.</summary>
    public const string DistributedRankHung = "DistributedRankHung";

    /// <summary>The model's output shape does not fit the dataset's classes and the loss.</summary>
    public const string ModelOutputMismatch = "ModelOutputMismatch";

    /// <summary>An input buffer handed to an inference session has the wrong length.</summary>
    public const string InferenceInputMismatch = "InferenceInputMismatch";

    /// <summary>An engine name no catalogue knows.</summary>
    public const string UnknownEngine = "UnknownEngine";

    /// <summary>A known engine whose assembly is not installed; the message says how to install it.</summary>
    public const string EngineNotInstalled = "EngineNotInstalled";

    /// <summary>An installed engine assembly that cannot be loaded or holds no usable engine.</summary>
    public const string EngineLoadFailed = "EngineLoadFailed";

    /// <summary>An engine-specific option the engine does not know, or a value of the wrong kind.</summary>
    public const string InvalidEngineOption = "InvalidEngineOption";

    // Latency measurement
    public const string InvalidLatencyOption = "InvalidLatencyOption";

    // Reporting (comparisons, charts, reports)
    /// <summary>Nothing comparable was given (no cost summary, TrainingResult or ComparisonRow).</summary>
    public const string NothingToCompare = "NothingToCompare";
    /// <summary>An object of a type the comparison does not understand.</summary>
    public const string UnsupportedComparisonInput = "UnsupportedComparisonInput";
    /// <summary>A property name that is not a comparison figure; the message lists the valid names.</summary>
    public const string UnknownComparisonProperty = "UnknownComparisonProperty";
    /// <summary>A baseline name that matches no model; the message lists the models.</summary>
    public const string UnknownBaseline = "UnknownBaseline";
    /// <summary>Two cost rows (or two training results) for the same model name.</summary>
    public const string DuplicateComparisonModel = "DuplicateComparisonModel";
    /// <summary>Chart input that cannot be drawn (no categories, negative or infinite values, mismatched lengths).</summary>
    public const string InvalidChartData = "InvalidChartData";
    /// <summary>A chart path whose extension is not .svg (charts are SVG only; nothing is written).</summary>
    public const string UnsupportedChartFormat = "UnsupportedChartFormat";

    // Writes
    public const string FileExists = "FileExists";
    public const string WriteFailed = "WriteFailed";
    public const string DirectoryNotFound = "DirectoryNotFound";
    /// <summary>Several objects would be written to the same file by one command (nothing is written).</summary>
    public const string OutputPathReused = "OutputPathReused";

    // Exports
    /// <summary>A layer type or option the PyTorch exporter cannot express.</summary>
    public const string ExportUnsupportedLayer = "ExportUnsupportedLayer";

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
