using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Costing;

/// <summary>
/// Reads a user convention file, mapped by hand from the hardened YAML reader the specs use
/// (<see cref="YamlTreeReader"/>: depth, size and alias limits, standard tags only) so every error
/// names the file, line and column. YamlDotNet's representation model is not used: it recurses per
/// nesting level and hashes complex keys, so a deep or self-referencing file overflowed the stack.
/// <code>
/// name: MyTool            # required: the name shown on every figure
/// description: ...        # optional
/// base: Flops             # optional: start from a built-in's weights
/// costs:                  # FLOPs per operation kind (CostOps.All); unlisted kinds keep the base's weight or 0
///   MatMulMac: 2
///   Activation.softmax: 5
/// </code>
/// </summary>
internal static class CostConventionYaml
{
    /// <summary>Convention files are a few dozen lines; refuse anything that is clearly not one before reading it.</summary>
    private const long MaxFileBytes = 1 << 20;

    public static CostConvention Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = UserPath.Full(path, ErrorIds.UnknownConvention, "Convention file");
        if (!File.Exists(full))
            throw new ModelCostException(ErrorIds.UnknownConvention, ModelCostErrorCategory.ObjectNotFound,
                $"Convention file '{full}' does not exist. Built-in conventions: {string.Join(", ", CostConvention.BuiltInNames)}.", full)
            { File = full, Option = "Convention" };
        long length = new FileInfo(full).Length;
        if (length > MaxFileBytes)
            throw Error(full, null, $"the file is {length.ToString(CultureInfo.InvariantCulture)} bytes; a convention file is at most {MaxFileBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.InvalidConvention, ModelCostErrorCategory.ReadError,
                $"Could not read convention file '{full}': {ex.Message}", full, ex) { File = full };
        }
        return Parse(text, full, full);
    }

    public static CostConvention Parse(string yaml, string sourceName, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        YamlNode doc;
        try { doc = YamlTreeReader.Read(yaml, sourceName, path, "convention file", "a mapping with 'name' and 'costs'"); }
        catch (ModelCostException ex) when (ex.Line is not null)
        {
            // The reader's message starts with "source:line:col: "; keep its reason under our error id.
            var reason = ex.Message;
            var prefix = $"{sourceName}:{ex.Line.Value.ToString(CultureInfo.InvariantCulture)}:{ex.Column.GetValueOrDefault().ToString(CultureInfo.InvariantCulture)}: ";
            if (reason.StartsWith(prefix, StringComparison.Ordinal)) reason = reason[prefix.Length..];
            if (reason.StartsWith("YAML syntax error: ", StringComparison.Ordinal)) reason = reason["YAML syntax error: ".Length..];
            throw Error(sourceName, (ex.Line.Value, ex.Column.GetValueOrDefault()), $"not valid YAML: {reason}", ex);
        }
        catch (ModelCostException ex)
        {
            throw Error(sourceName, null, ex.Message, ex);
        }
        if (doc is not YamlMappingNode root)
            throw Error(sourceName, At(doc), "the top level must be a mapping with 'name' and 'costs'.");

        string? name = null, description = null;
        CostConvention? basedOn = null;
        YamlMappingNode? costs = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in root.Pairs)
        {
            var key = Scalar(sourceName, keyNode, "a key");
            if (!seen.Add(key)) throw Error(sourceName, At(keyNode), $"'{key}' appears twice.");
            switch (key.ToLowerInvariant())
            {
                case "name": name = Scalar(sourceName, valueNode, "'name'"); break;
                case "description": description = Scalar(sourceName, valueNode, "'description'"); break;
                case "base":
                {
                    var b = Scalar(sourceName, valueNode, "'base'");
                    if (!CostConvention.TryGetBuiltIn(b, out var bc))
                        throw Error(sourceName, At(valueNode), $"base '{b}' is not a built-in convention ({string.Join(", ", CostConvention.BuiltInNames)}).");
                    basedOn = bc;
                    break;
                }
                case "costs":
                    costs = valueNode as YamlMappingNode
                        ?? throw Error(sourceName, At(valueNode), "'costs' must be a mapping of operation kind to FLOPs per operation, e.g. 'MatMulMac: 2'.");
                    break;
                default:
                    throw Error(sourceName, At(keyNode), $"unknown key '{key}'. Allowed: name, description, base, costs.");
            }
        }
        if (string.IsNullOrWhiteSpace(name)) throw Error(sourceName, At(root), "a convention needs a 'name'.");
        if (costs is null) throw Error(sourceName, At(root), "a convention needs 'costs' (operation kind: FLOPs per operation).");

        var weights = basedOn?.CopyWeights() ?? new long[CostOps.Count];
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in costs.Pairs)
        {
            var kindText = Scalar(sourceName, keyNode, "an operation kind");
            if (!CostOps.TryCanonicalize(kindText, out var kind))
                throw Error(sourceName, At(keyNode), $"unknown operation kind '{kindText}'. Known kinds: {string.Join(", ", CostOps.All)}.");
            if (!kinds.Add(kind)) throw Error(sourceName, At(keyNode), $"'{kind}' is given twice.");
            var valueText = Scalar(sourceName, valueNode, $"the cost of '{kind}'");
            if (!long.TryParse(valueText, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var w) || w < 0)
                throw Error(sourceName, At(valueNode), $"the cost of '{kind}' is '{valueText}'; it must be a whole number of FLOPs ≥ 0.");
            weights[CostOps.Index(kind)] = w;
        }
        return CostConvention.FromFile(name.Trim(), description ?? $"User convention from {sourceName}.", weights, path ?? sourceName);
    }

    private static string Scalar(string source, YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } v } ? v
            : throw Error(source, At(node), $"{what} must be a plain value, not {node.KindName}.");

    private static (int Line, int Column) At(YamlNode node) => (node.Line, node.Column);

    private static ModelCostException Error(string source, (int Line, int Column)? at, string message, Exception? inner = null)
    {
        int? line = at?.Line, col = at?.Column;
        string where = line is null ? source : $"{source}:{line.Value.ToString(CultureInfo.InvariantCulture)}:{col!.Value.ToString(CultureInfo.InvariantCulture)}";
        return new ModelCostException(ErrorIds.InvalidConvention, ModelCostErrorCategory.ParserError, $"Convention file {where}: {message}", source, inner)
        { File = source, Line = line, Column = col };
    }
}
