using ModelCost.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// Reads one YAML document into plain nodes through YamlDotNet's event parser. No tag ever names a
/// .NET type: only the standard YAML tags are allowed, and the schema mapper types every value by hand.
/// Anchors and aliases are supported but every alias counts the full size of what it expands to, so
/// an alias bomb fails after at most <see cref="MaxNodes"/> nodes of work.
/// </summary>
internal sealed class YamlTreeReader
{
    public const int MaxChars = 16 * 1024 * 1024;
    public const long MaxNodes = 200_000;
    public const int MaxDepth = 64;

    private static readonly HashSet<string> StandardTags = new(StringComparer.Ordinal)
    {
        "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
    };

    private readonly string _source;
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private long _total;
    private IParser _parser = null!;

    private readonly string _fileKind, _expected;

    private YamlTreeReader(string source, string fileKind, string expected)
    {
        _source = source;
        _fileKind = fileKind;
        _expected = expected;
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> prefixes error messages (a file name or "YAML").</summary>
    /// <param name="fileKind">What the file is, for messages ("spec file", "convention file").</param>
    /// <param name="expected">What its top level should be, for the empty-document message.</param>
    public static YamlNode Read(string text, string source, string? file, string fileKind = "spec file",
        string expected = "a ModelSpec mapping (apiVersion, kind, metadata, spec)")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxChars)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"{source}: the document has {text.Length} characters; the limit is {MaxChars}.", file) { File = file };
        return new YamlTreeReader(source, fileKind, expected).ReadDocument(text, file);
    }

    private YamlNode ReadDocument(string text, string? file)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        _parser = new Parser(scanner);
        try
        {
            Expect<StreamStart>();
            if (_parser.Current is not DocumentStart)
                throw Schema(1, 1, $"the document is empty; expected {_expected}.", file);
            Next();
            if (_parser.Current is DocumentEnd)
                throw Schema(1, 1, $"the document is empty; expected {_expected}.", file);
            var root = ReadNode(0, file);
            Expect<DocumentEnd>();
            if (_parser.Current is DocumentStart ds)
                throw Schema(L(ds.Start), C(ds.Start), $"the file holds more than one YAML document; a {_fileKind} holds exactly one.", file);
            return root;
        }
        catch (ModelCostException) { throw; }
        catch (YamlException ex)
        {
            var (line, col) = TabIndentation(text, ex) ?? (L(ex.Start), C(ex.Start));
            throw new ModelCostException(ErrorIds.YamlSyntax, ModelCostErrorCategory.ParserError,
                $"{_source}:{line}:{col}: YAML syntax error: {Describe(ex)}", file, ex)
            { File = file, Line = line, Column = col };
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            // YamlDotNet signals a few malformed inputs with general exceptions; they are still syntax errors,
            // located where the scanner stopped.
            var at = scanner.CurrentPosition;
            throw new ModelCostException(ErrorIds.YamlSyntax, ModelCostErrorCategory.ParserError,
                $"{_source}:{L(at)}:{C(at)}: YAML syntax error: the text cannot be read as YAML here (unclosed bracket or quote, or bad indentation?).", file, ex)
            { File = file, Line = L(at), Column = C(at) };
        }
    }

    private YamlNode ReadNode(int depth, string? file)
    {
        var ev = _parser.Current ?? throw Schema(0, 0, "unexpected end of the document.", file);
        int line = L(ev.Start), col = C(ev.Start);
        if (depth > MaxDepth)
            throw Limit(line, col, $"the document nests deeper than {MaxDepth} levels.", file);
        Count(1, line, col, file);

        if (ev is AnchorAlias alias)
        {
            Next();
            if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                throw Schema(line, col, $"the alias '*{alias.Value.Value}' refers to no anchor defined before it.", file);
            Count(target.Weight, line, col, file);
            return target;
        }
        if (ev is NodeEvent ne && !ne.Tag.IsEmpty && !StandardTags.Contains(ne.Tag.Value))
            throw Schema(line, col, $"the tag '{ne.Tag.Value}' is not allowed; a {_fileKind} uses only standard YAML tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map).", file);

        YamlNode node;
        string? anchor = ev is NodeEvent n0 && !n0.Anchor.IsEmpty ? n0.Anchor.Value : null;
        switch (ev)
        {
            case Scalar s:
            {
                bool plain = s.Style == ScalarStyle.Plain && (s.Tag.IsEmpty || s.Tag.Value != "tag:yaml.org,2002:str");
                // A lone surrogate is not text: accepting it would make a spec that cannot be written back as YAML.
                if (HasLoneSurrogate(s.Value))
                    throw Schema(line, col, "the value holds an invalid Unicode character (a lone UTF-16 surrogate).", file);
                node = new YamlScalarNode { Value = s.Value, Plain = plain, Line = line, Column = col };
                Next();
                break;
            }
            case SequenceStart:
            {
                var seq = new YamlSequenceNode { Line = line, Column = col };
                Next();
                long w = 1;
                while (_parser.Current is not SequenceEnd)
                {
                    var item = ReadNode(depth + 1, file);
                    seq.Items.Add(item);
                    w += item.Weight;
                }
                Next();
                seq.Weight = w;
                node = seq;
                break;
            }
            case MappingStart:
            {
                var map = new YamlMappingNode { Line = line, Column = col };
                Next();
                long w = 1;
                while (_parser.Current is not MappingEnd)
                {
                    var k = ReadNode(depth + 1, file);
                    var v = ReadNode(depth + 1, file);
                    map.Pairs.Add(new(k, v));
                    w += k.Weight + v.Weight;
                }
                Next();
                map.Weight = w;
                node = map;
                break;
            }
            default:
                // The parser closed a collection where a value was due: broken structure, not a schema problem.
                throw new ModelCostException(ErrorIds.YamlSyntax, ModelCostErrorCategory.ParserError,
                    $"{_source}:{line}:{col}: YAML syntax error: a value is missing here (found {ev.GetType().Name} instead).", file)
                { File = file, Line = line, Column = col };
        }
        if (anchor is not null) _anchors[anchor] = node;
        return node;
    }

    private void Count(long n, int line, int col, string? file)
    {
        _total += n;
        if (_total > MaxNodes)
            throw Limit(line, col, $"the document expands to more than {MaxNodes} nodes (anchors and aliases count what they expand to); a {_fileKind} never needs that many.", file);
    }

    private void Next()
    {
        if (!_parser.MoveNext())
            throw new YamlException(Mark.Empty, Mark.Empty, "unexpected end of the stream.");
    }

    private void Expect<T>() where T : ParsingEvent
    {
        if (_parser.Current is null) Next();
        if (_parser.Current is not T)
        {
            var e = _parser.Current!;
            throw new YamlException(e.Start, e.End, $"expected {typeof(T).Name} but found {e.GetType().Name}.");
        }
        Next();
    }

    private static bool HasLoneSurrogate(string v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            if (char.IsHighSurrogate(v[i]) && i + 1 < v.Length && char.IsLowSurrogate(v[i + 1])) { i++; continue; }
            if (char.IsSurrogate(v[i])) return true;
        }
        return false;
    }

    private ModelCostException Schema(int line, int col, string message, string? file) =>
        new(ErrorIds.YamlSchema, ModelCostErrorCategory.InvalidData, $"{_source}:{line}:{col}: {message}", file)
        { File = file, Line = line, Column = col };

    private ModelCostException Limit(int line, int col, string message, string? file) =>
        new(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded, $"{_source}:{line}:{col}: {message}", file)
        { File = file, Line = line, Column = col };

    private static int L(Mark m) => (int)Math.Clamp(m.Line, 0, int.MaxValue);
    private static int C(Mark m) => (int)Math.Clamp(m.Column, 0, int.MaxValue);

    /// <summary>
    /// YamlDotNet reports a tab used as indentation at the start of the enclosing mapping (often 1:1);
    /// point at the first tab in a line's indentation instead, which is what the user must fix.
    /// </summary>
    private static (int Line, int Column)? TabIndentation(string text, YamlException ex)
    {
        if (!ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase)) return null;
        int line = 1, col = 1;
        bool indent = true;
        foreach (var c in text)
        {
            if (c == '\n') { line++; col = 1; indent = true; continue; }
            if (indent && c == '\t') return (line, col);
            if (c != ' ') indent = false;
            col++;
        }
        return null;
    }

    private static string Describe(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: ...): "; keep only the reason.
        var m = ex.Message;
        int i = m.IndexOf("): ", m.IndexOf(" - (", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        return i >= 0 && m.StartsWith("(Line", StringComparison.Ordinal) ? m[(i + 3)..] : m;
    }
}
