using System.Globalization;
using System.Numerics;
using System.Text;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Parses Keras-style layer strings as people paste them from Keras code:
/// <c>Conv2D(16, 3, activation=relu)</c>, <c>Conv2D(50, (3, 3), activation="relu", padding="same")</c>,
/// <c>layers.MaxPooling2D((2, 2))</c>, <c>Dense(10, activation="softmax", input_shape=(784,))</c>.
/// It is a small grammar for literals only (numbers, strings, bare words, True/False/None, tuples and
/// lists); nothing is ever evaluated, so anything else is a syntax error with its column.
/// </summary>
public static class LayerSpecParser
{
    /// <summary>Longest layer string accepted (characters).</summary>
    public const int MaxLength = 4096;

    /// <summary>Deepest tuple nesting accepted, e.g. ((1, 1), (2, 2)) is 2.</summary>
    public const int MaxNesting = 8;

    private const string InputShapeKey = "input_shape";
    private const string InputDimKey = "input_dim";
    /// <summary>Keras 2's Embedding(…, input_length=n): the model input is n token ids.</summary>
    internal const string InputLengthKey = "input_length";

    /// <summary>Prefixes people paste with a layer (layers.Dense, keras.layers.Dense, tf.keras.layers.Dense).</summary>
    private static readonly HashSet<string> PrefixWords = new(StringComparer.Ordinal) { "tf", "tensorflow", "keras", "layers" };

    /// <summary>Parses one layer string; an <c>input_shape=</c> argument is accepted and dropped (see <see cref="ParseWithInputShape"/>).</summary>
    public static LayerSpec Parse(string text) => ParseWithInputShape(text).Layer;

    /// <summary>Parses one layer string and returns the <c>input_shape=</c> it carries, if any (Keras' way of giving the model input on the first layer).</summary>
    public static (LayerSpec Layer, int[]? InputShape) ParseWithInputShape(string text)
    {
        var (layer, shape, _) = ParseWithInput(text);
        return (layer, shape);
    }

    /// <summary>Like <see cref="ParseWithInputShape"/>, also telling whether the input was declared as token ids (an Embedding's input_length).</summary>
    internal static (LayerSpec Layer, int[]? InputShape, bool TokenInput) ParseWithInput(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"Layer string of {text.Length} characters is longer than the limit of {MaxLength}.", text[..40] + "…");
        return new Reader(text).ParseLayer();
    }

    /// <summary>Positional arguments in Keras' order for each type.</summary>
    internal static string[] Positional(string type) => type switch
    {
        LayerTypes.Dense or LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU => [LayerOptions.Units],
        LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D or LayerTypes.SeparableConv2D =>
            [LayerOptions.Filters, LayerOptions.KernelSize, LayerOptions.Strides, LayerOptions.Padding],
        LayerTypes.DepthwiseConv2D => [LayerOptions.KernelSize, LayerOptions.Strides, LayerOptions.Padding],
        LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D or LayerTypes.AveragePooling1D
            or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D => [LayerOptions.PoolSize, LayerOptions.Strides, LayerOptions.Padding],
        LayerTypes.Dropout => [LayerOptions.Rate],
        LayerTypes.Activation => [LayerOptions.Activation],
        LayerTypes.ZeroPadding2D => [LayerOptions.Padding],
        LayerTypes.Concatenate => [LayerOptions.Axis],
        LayerTypes.Embedding => [LayerOptions.InputDim, LayerOptions.OutputDim],
        LayerTypes.PositionEmbedding => [LayerOptions.SequenceLength],
        LayerTypes.MultiHeadAttention => [LayerOptions.NumHeads, LayerOptions.KeyDim, LayerOptions.ValueDim, LayerOptions.Dropout, LayerOptions.UseBias],
        LayerTypes.Reshape => [LayerOptions.TargetShape],
        LayerTypes.Cropping1D => [LayerOptions.Cropping],
        // KerasNLP's order: intermediate_dim, num_heads, dropout, activation, layer_norm_epsilon.
        LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder =>
            [LayerOptions.IntermediateDim, LayerOptions.NumHeads, LayerOptions.Dropout, LayerOptions.Activation, LayerOptions.LayerNormEpsilon],
        LayerTypes.Permute => [LayerOptions.Dims],
        _ => [],
    };

    private sealed class Reader(string text)
    {
        private int _pos;

        public (LayerSpec, int[]?, bool) ParseLayer()
        {
            Skip();
            if (_pos >= text.Length) throw Syntax(_pos, "the layer string is empty; expected e.g. Dense(10).");
            int typeCol = _pos;
            var ident = Identifier() ?? throw Syntax(_pos, $"expected a layer type such as Dense or Conv2D, found {Found()}.");
            // Strip layers./keras.layers./tf.keras.layers. prefixes.
            while (Peek('.'))
            {
                if (!PrefixWords.Contains(ident))
                    throw Syntax(typeCol, $"'{ident}.' is not a Keras layers prefix (layers., keras.layers., tf.keras.layers.).");
                _pos++;
                typeCol = _pos;
                ident = Identifier() ?? throw Syntax(_pos, $"expected a layer type after '.', found {Found()}.");
            }
            if (!LayerTypes.TryCanonicalize(ident, out var type))
                throw Error(ErrorIds.UnknownLayerType, typeCol, "type",
                    $"unknown layer type '{ident}'.{Suggest.Hint(ident, LayerTypes.All)} Known types: {string.Join(", ", LayerTypes.All)}.");
            Skip();
            if (!Peek('(')) throw Syntax(_pos, $"expected '(' after {ident}, found {Found()}; write e.g. {ident}().");
            _pos++;

            var b = new LayerSpecBuilder { Type = type };
            int[]? inputShape = null;
            bool tokens = false;
            var positional = Positional(type);
            var given = new HashSet<string>(StringComparer.Ordinal);
            int argIndex = 0;
            bool sawKeyword = false;
            Skip();
            while (!Peek(')'))
            {
                if (_pos >= text.Length) throw Syntax(_pos, "unbalanced parentheses: the argument list is never closed with ')'.");
                int argCol = _pos;
                string? key = null;
                int save = _pos;
                var word = Identifier();
                if (word is not null)
                {
                    Skip();
                    if (Peek('=') && !(_pos + 1 < text.Length && text[_pos + 1] == '=')) { _pos++; key = word; }
                    else _pos = save;
                }
                Skip();
                int valueCol = _pos;
                var value = Value(0);

                if (key is null)
                {
                    if (sawKeyword) throw Syntax(argCol, "a positional argument follows a keyword argument.");
                    if (argIndex >= positional.Length)
                        throw Error(ErrorIds.InvalidLayerOption, argCol, null,
                            positional.Length == 0 ? $"{type} takes no positional arguments; name the option (e.g. name=\"x\")."
                                : $"{type} takes at most {positional.Length} positional argument(s) ({string.Join(", ", positional)}); name the others.");
                    key = positional[argIndex++];
                }
                else sawKeyword = true;

                if (!given.Add(key))
                    throw Error(ErrorIds.InvalidLayerOption, argCol, key, $"'{key}' is given more than once.");
                if (key == InputShapeKey)
                {
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, argCol, key, "give input_shape or input_dim, not both.");
                    inputShape = LayerOptionValues.Shape(value, key, (id, opt, reason) => Error(id, valueCol, opt, reason));
                }
                else if (key == InputDimKey && type != LayerTypes.Embedding) // Embedding's input_dim is its vocabulary
                {
                    // Keras 2's Dense(64, input_dim=784) means input_shape=(784,).
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, argCol, key, "give input_shape or input_dim, not both.");
                    inputShape = LayerOptionValues.Shape(value is null ? null : new object?[] { value }, key, (id, opt, reason) => Error(id, valueCol, opt, reason));
                }
                else if (key == InputLengthKey && type == LayerTypes.Embedding)
                {
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, argCol, key, "give input_shape or input_length, not both.");
                    inputShape = LayerOptionValues.Shape(value is null ? null : new object?[] { value }, key, (id, opt, reason) => Error(id, valueCol, opt, reason));
                    tokens = true;
                }
                else if (LayerOptions.IsIgnored(key)) { }
                else if (!LayerOptions.IsAllowed(type, key))
                {
                    bool known = LayerOptions.All.Contains(key);
                    var hint = known ? "" : Suggest.Hint(key, LayerOptions.AllowedFor(type).Append(LayerOptions.Name).Append(InputShapeKey));
                    throw Error(ErrorIds.UnknownLayerOption, argCol, key,
                        $"{(known ? $"option '{key}' does not apply to {type}." : $"unknown option '{key}'.")}{hint} {LayerOptions.Describe(type)}");
                }
                else LayerOptionValues.Apply(b, key, value, (id, opt, reason) => Error(id, valueCol, opt, reason));

                Skip();
                if (Peek(',')) { _pos++; Skip(); continue; }
                if (!Peek(')'))
                    throw Syntax(_pos, _pos >= text.Length ? "unbalanced parentheses: the argument list is never closed with ')'." : $"expected ',' or ')' after an argument, found {Found()}.");
            }
            _pos++;
            Skip();
            if (_pos < text.Length) throw Syntax(_pos, $"unexpected {Found()} after the closing ')'; give one layer per string.");
            return (b.Build(), inputShape, tokens);
        }

        /// <summary>A literal: number, string, bare word, True/False/None, tuple or list.</summary>
        private object? Value(int depth)
        {
            Skip();
            if (_pos >= text.Length) throw Syntax(_pos, "expected a value, but the string ends.");
            char c = text[_pos];
            if (c is '(' or '[')
            {
                if (depth >= MaxNesting) throw Error(ErrorIds.SpecTooLarge, _pos, null, $"tuples nest deeper than {MaxNesting} levels.");
                char close = c == '(' ? ')' : ']';
                int open = _pos;
                _pos++;
                var items = new List<object?>();
                Skip();
                while (!Peek(close))
                {
                    if (_pos >= text.Length) throw Syntax(open, $"unbalanced brackets: '{c}' is never closed with '{close}'.");
                    items.Add(Value(depth + 1));
                    Skip();
                    if (Peek(',')) { _pos++; Skip(); continue; }
                    if (!Peek(close))
                        throw Syntax(_pos >= text.Length ? open : _pos, _pos >= text.Length ? $"unbalanced brackets: '{c}' is never closed with '{close}'." : $"expected ',' or '{close}', found {Found()}.");
                }
                _pos++;
                return items.ToArray();
            }
            if (c is '"' or '\'') return StringLiteral();
            if (char.IsAsciiDigit(c) || c is '-' or '+' or '.') return Number();
            int start = _pos;
            var word = Identifier();
            if (word is null) throw Syntax(_pos, $"expected a value (number, string, tuple, True/False/None or a bare name), found {Found()}.");
            if (Peek('.') || Peek('('))
                throw Syntax(start, $"'{word}{text[_pos]}…' is an expression; layer strings hold only literal values (nothing is evaluated).");
            return word switch
            {
                "True" or "true" => true,
                "False" or "false" => false,
                "None" or "none" or "null" => null,
                _ => word,
            };
        }

        private string StringLiteral()
        {
            int open = _pos;
            char q = text[_pos++];
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != q)
            {
                char c = text[_pos++];
                if (c == '\\' && _pos < text.Length)
                {
                    char e = text[_pos++];
                    sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
                }
                else sb.Append(c);
            }
            if (_pos >= text.Length) throw Syntax(open, $"the string starting with {q} is never closed.");
            _pos++;
            return sb.ToString();
        }

        private object Number()
        {
            int start = _pos;
            if (text[_pos] is '-' or '+') _pos++;
            bool isFloat = false;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '_'
                       || (text[_pos] is '-' or '+' && text[_pos - 1] is 'e' or 'E')))
            {
                if (text[_pos] is '.' or 'e' or 'E') isFloat = true;
                _pos++;
            }
            var s = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            if (!isFloat && s.Length > 0 && BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bi))
                return bi >= long.MinValue && bi <= long.MaxValue ? (long)bi : bi;
            if (isFloat && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                return d;
            throw Syntax(start, $"'{Clip(text[start.._pos])}' is not a number.");
        }

        private string? Identifier()
        {
            if (_pos >= text.Length || !(char.IsAsciiLetter(text[_pos]) || text[_pos] == '_')) return null;
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            // Without this, 'Dénse' would be read as the name 'D' followed by junk and reported as an unknown type 'D'.
            if (_pos < text.Length && char.IsLetterOrDigit(text[_pos]))
                throw Syntax(_pos, $"'{text[_pos]}' cannot be part of a name; names use ASCII letters, digits and '_'.");
            return text[start.._pos];
        }

        private bool Peek(char c) => _pos < text.Length && text[_pos] == c;

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private string Found() => _pos >= text.Length ? "the end of the string" : $"'{text[_pos]}'";

        private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

        private ModelCostException Syntax(int pos, string reason) => Error(ErrorIds.LayerStringSyntax, pos, null, reason);

        private ModelCostException Error(string id, int pos, string? option, string reason)
        {
            int col = Math.Min(pos, text.Length) + 1;
            var category = id == ErrorIds.LayerStringSyntax ? ModelCostErrorCategory.ParserError
                : id == ErrorIds.SpecTooLarge ? ModelCostErrorCategory.LimitsExceeded : ModelCostErrorCategory.InvalidArgument;
            return new ModelCostException(id, category,
                $"Layer string '{Clip(text)}', column {col}{(option is null ? "" : $", option '{option}'")}: {reason}", text)
            { Column = col, Option = option };
        }
    }
}
