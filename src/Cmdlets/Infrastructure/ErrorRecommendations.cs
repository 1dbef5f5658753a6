using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// How to fix an error, in PowerShell's terms (parameters, cmdlets, $env:). The core's messages speak of
/// the model, file, option and value only; this is where they meet the command line, shown as the
/// ErrorRecord's RecommendedAction.
/// </summary>
internal static class ErrorRecommendations
{
    public static string? For(ModelCostException ex) => ex.ErrorId switch
    {
        ErrorIds.FileExists => "Omit -NoClobber to replace the file, or choose another path.",
        CmdletErrorIds.FileReadOnly => "Add -Force to replace a read-only file.",
        CmdletErrorIds.DeserializedTrainedModel => "Inside the job: $result | Export-TrainedModel -Path model.safetensors; here: Import-TrainedModel model.safetensors.",
        CmdletErrorIds.DeserializedObjectInvalid => "Pass whole rows (no Select-Object), and convert specs with ConvertTo-Json -Depth 6 or more.",
        ErrorIds.TrainingDiverged => "Lower -LearningRate; the error's TargetObject (and the command's output) is the result with the last finite weights.",
        ErrorIds.DirectoryNotFound => "Create the folder first, or choose a path in an existing folder.",
        ErrorIds.UnknownConvention => "Use one of the built-in conventions (press Tab after -Convention) or the path of a rules YAML file.",
        // Debian packages Fashion-MNIST only; recommending it for MNIST would send users to the wrong data.
        ErrorIds.DatasetNotFound => ((ex.Target as string) + " " + ex.Message).Contains("Fashion", StringComparison.OrdinalIgnoreCase)
            ? "Pass -Path to the folder holding the IDX files, set $env:MODELCOST_DATA, or install Debian's dataset-fashion-mnist."
            : "Pass -Path to the folder holding the IDX files or set $env:MODELCOST_DATA.",
        ErrorIds.DownloadFailed or ErrorIds.ChecksumMismatch => "Copy the files into a folder and pass it with Get-ModelDataset -Path, or set $env:MODELCOST_DATA.",
        ErrorIds.InvalidInputShape when ex.Option == "InputShape" => "Pass -InputShape (e.g. 28,28,1) or give the first layer input_shape=(28, 28, 1).",
        ErrorIds.NothingToCompare or ErrorIds.UnsupportedComparisonInput => "Pipe in Measure-ModelCost or Invoke-ModelTraining output, or rows of an earlier Compare-ModelCost.",
        ErrorIds.DuplicateComparisonModel => "Measure every model with the same Measure-ModelCost -Convention, once.",
        ErrorIds.InvalidChartData when ex.Option == "Property" => "Training figures (TestAccuracy, ...) come from Invoke-ModelTraining results, cost figures from Measure-ModelCost.",
        ErrorIds.ModelMetadataMissing => "Read files written by Export-TrainedModel, which stores the spec with the weights.",
        ErrorIds.ModelTooLarge => "Measure-ModelCost still costs this spec; to train, make the layer named here smaller.",
        ErrorIds.UnsupportedByEngine => "Choose another -Engine, or change the layer named here.",
        ErrorIds.EngineNotInstalled => "Use -Engine Managed (built in), or install the engine as the message says.",
        ErrorIds.InvalidEngineOption => "Check -EngineOption: each engine takes only the names docs/engine.md lists for it.",
        ErrorIds.InvalidTrainingOption or ErrorIds.InvalidLatencyOption when ex.Option == "Threads" => "Pass -ThrottleLimit 0 (all cores) or a positive thread count.",
        ErrorIds.OnnxOperatorUnsupported when ex.Option == "op_type" => "Add -Skip Unsupported to Import-ModelSpec to cost the rest of the graph; each skipped node is written as a warning.",
        ErrorIds.InvalidInputShape when ex.Option is "shape" or "input_shape" => "Pass -InputShape (e.g. 28,28,1) with numbers, or put Input(shape=...) first with numbers.",
        ErrorIds.InvalidLayerOption when ex.Message.Contains("as Keras code", StringComparison.Ordinal) => "Paste the whole model into New-ModelSpec -KerasCode (Sequential, functional calls or model.add).",
        ErrorIds.InvalidLayerOption when ex.Option == "shape" => "Put Input(shape=...) first in -Layer, or pass -InputShape.",
        ErrorIds.ParallelismNeedsDevices => "Add -Devices 2 or more, or use -Parallelism DDP for one device.",
        ErrorIds.OutputPathReused => "Pass a folder as -Path (an existing one, or a new name without an extension) to write one file per object.",
        ErrorIds.PythonNotFound or ErrorIds.TorchNotInstalled => "Name the interpreter with -EngineOption @{ PythonPath = '/usr/bin/python3' } once the PyTorch engine is installed.",
        ErrorIds.InsufficientMemory when ex.InnerException is OutOfMemoryException => "Lower -BatchSize or use a smaller model; the next item in the pipeline still runs.",
        ErrorIds.InsufficientMemory => "Lower -BatchSize to the size the message names, free memory, or add -Force to try anyway.",
        ErrorIds.NotRegularFile => "Export to a regular file and copy it to the device or pipe if that is what you meant.",
        ErrorIds.InvalidFileName => "Name one file outright (no * or ?), or a folder to write one file per model.",
        ErrorIds.InvalidSpecEncoding => "Save the spec as UTF-8, e.g. Get-Content -Encoding Latin1 old.yaml | Set-Content -Encoding utf8NoBOM new.yaml.",
        ErrorIds.NonFiniteWeights => "Export the weights again from a finished (not diverged) training run; Invoke-ModelTraining never exports NaN weights.",
        ErrorIds.InvalidModelName => "Give the model a name of at most 200 printable characters (-Name, or metadata.name in the spec).",
        _ => null,
    };
}
