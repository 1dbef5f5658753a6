using ModelCost.Core.Errors;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Imports an ONNX model as a spec (docs/onnx.md): the file is read with bounded memory
/// (<see cref="OnnxFileReader"/>), its opset checked, its nodes ordered and mapped onto layers that keep
/// the node names, and every layer's parameter count checked against the weights its initializers hold.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The default-domain opsets this module reads.</summary>
    public const int MinOpset = 11, MaxOpset = 21;

    /// <summary>True when the path names an ONNX file (by its .onnx extension, any case).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public static OnnxImportResult Load(string path, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try { return LoadChecked(path, options); }
        catch (Exception ex) when (ex is OverflowException or IndexOutOfRangeException or ArgumentException or InvalidCastException
                                       or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // A well-formed protobuf whose content contradicts itself in a way no check above names.
            throw new ModelCostException(ErrorIds.OnnxInvalid, ModelCostErrorCategory.InvalidData,
                $"{path}: the model's content is inconsistent ({ex.Message}).", path, ex) { File = path };
        }
    }

    private static OnnxImportResult LoadChecked(string path, OnnxImportOptions? options)
    {
        var graph = OnnxFileReader.Read(path);
        long opset = graph.Opset;
        if (opset < MinOpset || opset > MaxOpset)
            throw new ModelCostException(ErrorIds.OnnxOpsetUnsupported, ModelCostErrorCategory.NotImplemented,
                $"{path}: the model imports ONNX opset {(opset == 0 ? "none (no ai.onnx domain)" : opset.ToString(System.Globalization.CultureInfo.InvariantCulture))}; this module reads opsets {MinOpset} to {MaxOpset}. Convert it with onnx.version_converter.", opset)
            { File = path };
        OnnxExternalData.Check(graph);
        var name = Path.GetFileNameWithoutExtension(path);
        return OnnxGraphMapper.Map(graph, options ?? OnnxImportOptions.Default, string.IsNullOrWhiteSpace(name) ? "onnx_model" : name);
    }
}
