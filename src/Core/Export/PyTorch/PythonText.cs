using System.Globalization;
using System.Text;

namespace ModelCost.Core.Export.PyTorch;

/// <summary>Python source literals and identifiers, written the same way whatever the culture.</summary>
internal static class PythonText
{
    /// <summary>Names an identifier must not take: keywords, the forward pass's own names, and nn.Module attributes.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case",
        "self", "inputs", "logits", "super",
        "training", "forward", "train", "eval", "parameters", "named_parameters", "buffers", "named_buffers", "children",
        "named_children", "modules", "named_modules", "state_dict", "load_state_dict", "to", "cpu", "cuda", "float",
        "double", "half", "bfloat16", "type", "apply", "zero_grad", "requires_grad_", "share_memory", "extra_repr",
        "add_module", "register_buffer", "register_parameter", "register_module", "get_submodule", "get_parameter",
        "get_buffer", "dump_patches", "call_super_init", "ipu", "xpu",
    };

    /// <summary>A double-quoted Python string literal.</summary>
    public static string Str(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (ch < ' ' || ch == '\u007f' || char.IsSurrogate(ch) || ch > '\u007e')
                        sb.Append(@"\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>A float literal that reads back to the same double ("0.99", "1e-05").</summary>
    public static string Float(double v)
    {
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') || s.Contains('e') ? s.Replace("E", "e", StringComparison.Ordinal) : s + ".0";
    }

    /// <summary>A tuple literal: "(3,)" for one element, "(3, 3)" for more.</summary>
    public static string Tuple(IReadOnlyList<int> values) =>
        values.Count == 1 ? "(" + Int(values[0]) + ",)" : "(" + string.Join(", ", values.Select(v => Int(v))) + ")";

    /// <summary>
    /// A Python identifier for a layer name: other characters become '_', a leading digit gets a '_'
    /// prefix, reserved names and names already taken get a '_' suffix (then _2, _3, ...).
    /// </summary>
    public static string Identifier(string name, ISet<string> taken)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name) sb.Append(ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? ch : '_');
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
        var id = sb.ToString();
        if (Reserved.Contains(id)) id += "_";
        var candidate = id;
        for (int n = 2; taken.Contains(candidate); n++) candidate = id + "_" + Int(n);
        taken.Add(candidate);
        return candidate;
    }
}
