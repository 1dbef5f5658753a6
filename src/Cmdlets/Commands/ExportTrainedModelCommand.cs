using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.Core.Onnx;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Saves trained weights as a safetensors file (PyTorch can read it) with the spec in its metadata, or the whole model as ONNX.</para>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Export-TrainedModel -Path ./mlp.safetensors -PassThru | Select-Object Name, Length</code><para>Trains the seed 000 MLP for one epoch and saves its weights as safetensors (spec in the metadata); -PassThru returns the written file.</para></example>
/// <example><code>$run = Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1
/// $run | Export-TrainedModel -Path ./mlp.onnx -Format Onnx</code><para>Saves the same trained model as a whole ONNX graph, readable by ONNX Runtime and Import-ModelSpec.</para></example>
/// </summary>
/// <remarks>
/// Accepts a TrainingResult (Invoke-ModelTraining) or a TrainedModel (Import-TrainedModel). The file
/// is written to a temporary file in the same folder and renamed into place; Ctrl+C or a failure
/// leaves any old file untouched. Overwrite rules as Export-Csv (-NoClobber, -Force for read-only
/// files). The saved size is reported with -Verbose and, with -PassThru, as the FileInfo's Length
/// plus SizeBytes and SizeMB properties (seed 000 compares saved model sizes). A folder as -Path (an existing one, one ending
/// in a separator, or, for several models, a new name without an extension, which is created) writes &lt;Model&gt;.safetensors
/// (or &lt;Model&gt;.onnx) in it; several models and one file name are refused (OutputPathReused) before anything is written.
/// -Format Onnx writes an ONNX model (opset 17) that ONNX Runtime runs with our engine's
/// predictions (docs/onnx.md); without -Format a path ending in .onnx means Onnx.
/// </remarks>
[Cmdlet(VerbsData.Export, "TrainedModel", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportTrainedModelCommand : ExportFileCommand
{
    private readonly OutputTargets<TrainedModel> _targets = new();

    /// <summary>Trained weights: a TrainingResult from Invoke-ModelTraining or a TrainedModel from Import-TrainedModel.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ModelInputTransformation(ModelInputKind.TrainedModel)]
    [ValidateNotNull]
    public ITrainedModelSource InputObject { get; set; } = null!;

    /// <summary>The .safetensors (or .onnx) file to write, or a folder to write &lt;Model&gt;.safetensors (.onnx) into.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Safetensors (weights and spec, the default) or Onnx (the whole model as an ONNX graph). Default: Onnx when -Path ends in .onnx.</summary>
    /// <value>Safetensors (Onnx when -Path ends in .onnx)</value>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<TrainedModelFormat>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<TrainedModelFormat>>))]
    public string? Format { get; set; }

    protected override void ProcessRecord()
    {
        TrainedModel? model = null;
        if (!TryCore(() => model = InputObject.GetTrainedModel(), InputObject) || model is null) return;
        _targets.Add(model, model.Spec.Name, InputObject);
    }

    protected override void EndProcessing()
    {
        bool onnx = Format is null ? Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) : EnumNames<TrainedModelFormat>.Parse(Format) == TrainedModelFormat.Onnx;
        foreach (var (model, target, _) in _targets.Plan(this, Path, onnx ? ".onnx" : ".safetensors"))
        {
            long bytes = 0;
            if (!WriteFile(target, $"Export trained model '{model.Spec.Name}'{(onnx ? " as ONNX" : "")}",
                    (file, overwrite) => bytes = onnx ? OnnxExporter.Save(model, file, overwrite, CancellationToken) : TrainedModelFile.Save(model, file, overwrite, CancellationToken),
                    stopOnError: false, _targets.FolderNotCreated))
                continue;

            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Saved '{0}': {1:N0} bytes ({2:F3} MB).", target, bytes, bytes / (1024.0 * 1024.0)));
            if (!PassThru.IsPresent) continue;
            // The FileInfo, plus the size in the units seed 000 compares (Length is the same number of bytes).
            var file = WrittenFile(target);
            file.Properties.Add(new PSNoteProperty("SizeBytes", bytes));
            file.Properties.Add(new PSNoteProperty("SizeMB", bytes / (1024.0 * 1024.0)));
            WriteObject(file);
        }
    }
}
