using System.Globalization;
using System.Reflection;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Models;

/// <summary>
/// A trained model as one safetensors file: every weight named <c>layer.param</c> with its Keras
/// shape (see <see cref="WeightLayout"/>), and in <c>__metadata__</c> the spec as YAML
/// (<c>modelcost.spec</c>), the format version and the writer. Loading checks the tensors against
/// the spec, so a file whose weights do not fit its spec never reaches the engine.
/// </summary>
public static class TrainedModelFile
{
    public const string SpecKey = "modelcost.spec";
    public const string FormatKey = "modelcost.format";
    public const string CreatedByKey = "modelcost.created_by";
    public const string LayoutKey = "modelcost.layout";

    /// <summary>The format version written; files with a higher version are refused.</summary>
    public const int FormatVersion = 1;

    /// <summary>Kernels are stored in Keras order, e.g. Dense (in, out), Conv2D (kh, kw, cin, cout).</summary>
    public const string Layout = "keras";

    /// <summary>Saves atomically; returns the file size in bytes. The tensors must match the spec's weight layout.</summary>
    public static long Save(TrainedModel model, string path, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var ordered = Match(model.Spec, model.Tensors, $"model '{model.Spec.Name}'", null);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SpecKey] = ModelSpecYaml.Serialize(model.Spec),
            [FormatKey] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            [CreatedByKey] = CreatedBy,
            [LayoutKey] = Layout,
        };
        return SafetensorsFile.Write(path, ordered, metadata, overwrite, cancellationToken);
    }

    /// <summary>Loads a file written by <see cref="Save"/>; tensors come back in <see cref="WeightLayout"/> order.</summary>
    public static TrainedModel Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = UserPath.Full(path, ErrorIds.DataFileNotFound, "Model file");
        var content = SafetensorsFile.Read(full, cancellationToken);
        var meta = content.Metadata;

        if (meta.TryGetValue(FormatKey, out var fmt))
        {
            if (!int.TryParse(fmt, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
                throw new ModelCostException(ErrorIds.UnsupportedModelFormat, ModelCostErrorCategory.InvalidData,
                    $"Model file '{full}' has format version '{fmt}' in its metadata; expected a positive integer.", full) { File = full };
            if (version > FormatVersion)
                throw new ModelCostException(ErrorIds.UnsupportedModelFormat, ModelCostErrorCategory.InvalidData,
                    $"Model file '{full}' uses format version {version.ToString(CultureInfo.InvariantCulture)}; this module reads up to {FormatVersion.ToString(CultureInfo.InvariantCulture)}. Update ModelCost.PS.", full) { File = full };
        }
        if (meta.TryGetValue(LayoutKey, out var layout) && layout != Layout)
            throw new ModelCostException(ErrorIds.UnsupportedModelFormat, ModelCostErrorCategory.InvalidData,
                $"Model file '{full}' stores weights in '{layout}' layout; only '{Layout}' is supported.", full) { File = full };
        if (!meta.TryGetValue(SpecKey, out var yaml) || string.IsNullOrWhiteSpace(yaml))
            throw new ModelCostException(ErrorIds.ModelMetadataMissing, ModelCostErrorCategory.InvalidData,
                $"Model file '{full}' has no '{SpecKey}' entry in its safetensors metadata, so its architecture is unknown. "
                + "Trained models this module saves carry it; a plain PyTorch/safetensors file does not.", full) { File = full };

        var spec = ModelSpecYaml.Parse(yaml, $"{full} (metadata {SpecKey})");
        var ordered = Match(spec, content.Tensors, $"model file '{full}'", full);
        return new TrainedModel(spec, ordered);
    }

    /// <summary>Checks the tensors against the spec's weight layout; returns them in layout order.</summary>
    private static List<NamedTensor> Match(ModelSpec spec, IReadOnlyList<NamedTensor> tensors, string what, string? file)
    {
        var slots = WeightLayout.For(ShapeInference.Resolve(spec));
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!byName.TryAdd(t.Name, t))
                throw Mismatch(file, t.Name, $"{what} holds tensor '{t.Name}' twice.");
        var ordered = new List<NamedTensor>(slots.Count);
        foreach (var s in slots)
        {
            if (!byName.Remove(s.Name, out var t))
                throw Mismatch(file, s.Name, $"{what} lacks tensor '{s.Name}' (shape {ShapeText.Format(s.Shape)}) that spec '{spec.Name}' needs.");
            if (!t.Shape.AsSpan().SequenceEqual(s.Shape))
                throw Mismatch(file, s.Name, $"{what}: tensor '{s.Name}' has shape {ShapeText.Format(t.Shape)} but spec '{spec.Name}' needs {ShapeText.Format(s.Shape)}.");
            if (t.Data.LongLength != s.Elements)
                throw Mismatch(file, s.Name, $"{what}: tensor '{s.Name}' holds {t.Data.LongLength.ToString(CultureInfo.InvariantCulture)} values but shape {ShapeText.Format(s.Shape)} needs {s.Elements.ToString(CultureInfo.InvariantCulture)}.");
            ordered.Add(t);
        }
        if (byName.Count > 0)
        {
            var extra = byName.Keys.Order(StringComparer.Ordinal).ToArray();
            throw Mismatch(file, extra[0], $"{what} holds tensor{(extra.Length > 1 ? "s" : "")} {string.Join(", ", extra.Select(e => $"'{e}'"))} that spec '{spec.Name}' has no weight for.");
        }
        return ordered;
    }

    private static ModelCostException Mismatch(string? file, string tensor, string message) =>
        new(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData, message, tensor) { File = file };

    private static string CreatedBy =>
        "ModelCost.PS " + (typeof(TrainedModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
}
