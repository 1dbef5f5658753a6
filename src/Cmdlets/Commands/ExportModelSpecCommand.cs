using System.Management.Automation;
using ModelCost.Core.Export.PyTorch;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Writes a model spec as YAML (apiVersion modelcost/v1) that Import-ModelSpec reads back to an equal spec, or with -Format PyTorch as a self-contained Python file: an nn.Module with Keras semantics, a safetensors reader/writer and a DistributedDataParallel training entry point.</para>
/// <example><code>$spec = New-ModelSpec -Name MLP -InputShape 784 -Layer 'Dense(512, activation="relu")', 'Dense(10, activation="softmax")'
/// $spec | Export-ModelSpec -Path ./mlp.yaml -NoClobber</code><para>Builds a two-layer MLP and saves it as a YAML spec; -NoClobber refuses to replace an existing mlp.yaml.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Export-ModelSpec -Format PyTorch -Path ./cnn.py
/// # then, with PyTorch installed: python3 ./cnn.py --data DIR --epochs 1 --out cnn.safetensors</code><para>Writes the seed 000 CNN as one PyTorch file: an nn.Module in Keras semantics plus a training entry point that the comment shows how to run.</para></example>
/// </summary>
/// <remarks>
/// Overwrite rules follow Export-Csv: an existing file is replaced unless -NoClobber is given, and a
/// read-only file only with -Force. When -Path is a folder (an existing one, one ending in a separator, or,
/// for several specs, a new name without an extension, which is created), each spec is written to
/// &lt;folder&gt;/&lt;Name&gt;.yaml, so a whole pipeline of specs can be exported at once. Several specs and a
/// file name are refused (OutputPathReused) before anything is written. Each file is written to a
/// temporary file in the same folder and renamed into place. -Format PyTorch writes
/// &lt;Name&gt;.py instead; the file needs only Python 3.8+ and PyTorch (docs/pytorch.md).
/// </remarks>
[Cmdlet(VerbsData.Export, "ModelSpec", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelSpecCommand : ExportFileCommand
{
    private readonly OutputTargets<ModelSpec> _targets = new();

    /// <summary>The spec to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ModelInputTransformation(ModelInputKind.Spec)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>The file to write, or a folder to write &lt;Name&gt;.yaml (or &lt;Name&gt;.py) into (created when several specs go to a new name without an extension).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Yaml (default): the spec format Import-ModelSpec reads. PyTorch: one Python file (PyTorch only) with the model as an nn.Module, our safetensors weights reader/writer and a DDP training entry point (torchrun or MASTER_ADDR/MASTER_PORT/RANK/WORLD_SIZE/LOCAL_RANK).</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<ModelSpecFormat>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<ModelSpecFormat>>))]
    public string Format { get; set; } = "Yaml";

    protected override void ProcessRecord() => _targets.Add(InputObject, InputObject.Name, InputObject);

    protected override void EndProcessing()
    {
        bool pytorch = EnumNames<ModelSpecFormat>.Parse(Format) == ModelSpecFormat.PyTorch;
        foreach (var (spec, file, _) in _targets.Plan(this, Path, pytorch ? ".py" : ".yaml"))
        {
            Action<string, bool> save = pytorch
                ? (f, overwrite) => PyTorchExporter.Save(spec, f, overwrite, CancellationToken)
                : (f, overwrite) => ModelSpecYaml.Save(spec, f, overwrite, CancellationToken);
            if (WriteFile(file, pytorch ? $"Export model spec '{spec.Name}' as a PyTorch module" : $"Export model spec '{spec.Name}'", save, stopOnError: false, _targets.FolderNotCreated))
                WritePassThru(file);
        }
    }
}
