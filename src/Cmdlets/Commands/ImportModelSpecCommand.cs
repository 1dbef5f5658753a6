using System.Management.Automation;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Reads model specs from YAML files, Keras model configs (model.to_json()) or ONNX models (.onnx).</para>
/// <example><code>Import-ModelSpec ./examples/specs/*.yaml | Measure-ModelCost</code><para>Reads every YAML spec in the examples folder and costs each model at the default convention.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 | Export-TrainedModel -Path ./mlp.onnx
/// Import-ModelSpec ./mlp.onnx | Measure-ModelCost -Convention Macs      # any ONNX file, e.g. torchvision's resnet18 from torch.onnx.export</code><para>Trains the seed 000 MLP, exports it as ONNX, then reads the ONNX file back as a spec and counts its MACs; any ONNX model (opsets 11-21) can be costed this way.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 | Export-TrainedModel -Path ./mlp.onnx
/// Import-ModelSpec ./mlp.onnx -Skip Unsupported -WarningVariable skipped | Measure-ModelCost   # $skipped lists operators left out</code><para>Reads an ONNX file leaving out operators the module cannot cost instead of failing; the warnings collected in $skipped name them.</para></example>
/// </summary>
/// <remarks>One spec per file. YAML and Keras JSON are told apart by content; a file ending in .onnx is read
/// as an ONNX model (opsets 11 to 21), each layer named after its ONNX node and each parameter count checked
/// against the node's initializers (docs/onnx.md). A file that cannot be read or parsed writes an error naming
/// the file (and the line and column, or the ONNX node), and the next file is still imported.</remarks>
[Cmdlet(VerbsData.Import, "ModelSpec", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(ModelSpec))]
public sealed class ImportModelSpecCommand : ImportFileCommand
{
    /// <summary>
    /// ONNX files: 'Unsupported' leaves out nodes whose operator has no spec layer (they cost nothing) and
    /// costs the rest; each skipped node is written as a warning and listed in the spec's Description.
    /// Without it such a node stops the import with an OnnxOperatorUnsupported error naming it.
    /// </summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<OnnxSkip>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<OnnxSkip>>))]
    public string[] Skip { get; set; } = Array.Empty<string>();

    private protected override string ItemDescription => "model spec";

    private protected override object Load(string file)
    {
        if (!OnnxImporter.IsOnnxPath(file)) return ModelSpecReader.Load(file);
        var options = new OnnxImportOptions { SkipUnsupported = Skip.Any(s => EnumNames<OnnxSkip>.Parse(s) == OnnxSkip.Unsupported) };
        var result = OnnxImporter.Load(file, options);
        WriteVerbose($"ONNX opset {result.Opset}, producer '{result.Producer}': {result.Spec.Layers.Count} layers, {result.InitializerParams:N0} weights in initializers.");
        foreach (var s in result.Skipped) WriteWarning($"{file}: skipped node {s}.");
        return result.Spec;
    }
}
