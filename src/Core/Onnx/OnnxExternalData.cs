using ModelCost.Core.Errors;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Checks that initializers stored outside the .onnx file (data_location EXTERNAL, for models over 2 GB)
/// have their data files: present, inside the model's folder, and long enough for offset + length. The
/// weights are counted, never read.
/// </summary>
internal static class OnnxExternalData
{
    public static void Check(OnnxGraph g)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(g.File)) ?? ".";
        foreach (var init in g.Initializers.Values)
        {
            if (!init.External) continue;
            var location = init.ExternalLocation;
            if (string.IsNullOrEmpty(location))
                throw Missing(g, init, "it is marked external but names no location");
            var full = Path.GetFullPath(Path.Combine(folder, location));
            var rel = Path.GetRelativePath(folder, full);
            if (Path.IsPathRooted(location) || rel.StartsWith("..", StringComparison.Ordinal))
                throw Missing(g, init, $"its data file '{location}' is outside the model's folder (external data must sit beside the .onnx)");
            var file = new FileInfo(full);
            if (!file.Exists) throw Missing(g, init, $"its data file '{location}' does not exist next to the model");
            long size = OnnxFileReader.ElementSize(init.DataType);
            long needed = init.ExternalLength >= 0 ? init.ExternalLength : size > 0 ? checked(init.Elements * size) : 0;
            if (init.ExternalOffset < 0 || file.Length < init.ExternalOffset + needed)
                throw Missing(g, init, $"its data file '{location}' holds {file.Length} bytes, but the tensor needs bytes {init.ExternalOffset} to {init.ExternalOffset + needed}");
        }
    }

    private static ModelCostException Missing(OnnxGraph g, OnnxInitializer init, string why) =>
        new(ErrorIds.OnnxExternalDataMissing, ModelCostErrorCategory.ObjectNotFound, $"{g.File}: initializer '{init.Name}': {why}.", init.Name)
        { File = g.File };
}
