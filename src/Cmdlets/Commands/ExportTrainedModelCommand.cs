using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Saves trained weights as a safetensors file (PyTorch can read it) with the spec in its metadata.</para>
/// <example><code>$run | Export-TrainedModel -Path ./cnn.safetensors -PassThru | Select-Object Name, Length</code></example>
/// </summary>
/// <remarks>
/// Accepts a TrainingResult (Invoke-ModelTraining) or a TrainedModel (Import-TrainedModel). The file
/// is written to a temporary file in the same folder and renamed into place; Ctrl+C or a failure
/// leaves any old file untouched. Overwrite rules as Export-Csv (-NoClobber, -Force for read-only
/// files). The saved size is reported with -Verbose and, with -PassThru, as the FileInfo's Length
/// plus SizeBytes and SizeMB properties (seed 000 compares saved model sizes). A folder as -Path writes &lt;Model&gt;.safetensors in it.
/// </remarks>
[Cmdlet(VerbsData.Export, "TrainedModel", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportTrainedModelCommand : ExportFileCommand
{
    private readonly OutputTargets _targets = new();

    /// <summary>Trained weights: a TrainingResult from Invoke-ModelTraining or a TrainedModel from Import-TrainedModel.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ITrainedModelSource InputObject { get; set; } = null!;

    /// <summary>The .safetensors file to write, or an existing folder.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var model = InputObject.GetTrainedModel();

        var target = _targets.Resolve(this, Path, model.Spec.Name, ".safetensors", InputObject);
        if (target is null) return;
        long bytes = 0;
        if (!WriteFile(target, $"Export trained model '{model.Spec.Name}'",
                (file, overwrite) => bytes = TrainedModelFile.Save(model, file, overwrite, CancellationToken), stopOnError: false))
            return;

        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Saved '{0}': {1:N0} bytes ({2:F3} MB).", target, bytes, bytes / (1024.0 * 1024.0)));
        if (!PassThru.IsPresent) return;
        // The FileInfo, plus the size in the units seed 000 compares (Length is the same number of bytes).
        var file = PSObject.AsPSObject(new FileInfo(target));
        file.Properties.Add(new PSNoteProperty("SizeBytes", bytes));
        file.Properties.Add(new PSNoteProperty("SizeMB", bytes / (1024.0 * 1024.0)));
        WriteObject(file);
    }
}
