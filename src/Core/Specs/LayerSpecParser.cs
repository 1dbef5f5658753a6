using System.Globalization;
using System.Numerics;
using System.Text;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs.KerasCode;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Parses Keras-style layer strings as people paste them from Keras code:
/// <c>Conv2D(16, 3, activation=relu)</c>, <c>Conv2D(50, (3, 3), activation="relu", padding="same")</c>,
/// <c>layers.MaxPooling2D((2, 2))</c>, <c>Dense(10, activation="softmax", input_shape=(784,))</c>,
/// <c>model.add(layers.Dense(512, activation='relu'))</c>, <c>Conv2D(50, (3, 3))(self.input_layer)</c>,
/// <c>Dense(10, kernel_regularizer=l2(0.001))</c>, <c>layers.InputLayer(input_shape=(784,))</c>.
/// It is a small grammar for literals only (numbers, strings, bare words, True/False/None, tuples and
/// lists, and calls of the Keras regularizers read as data); nothing is ever evaluated, so anything else
/// is a syntax error with its column. The same reader reads statements of pasted model code
/// (<see cref="KerasCodeReader"/>).
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

    /// <summary>Prefixes of the model constructors (keras.Sequential, tf.keras.models.Model, ...).</summary>
    private static readonly HashSet<string> ModelPrefixWords = new(StringComparer.Ordinal) { "tf", "tensorflow", "keras", "models" };

    /// <summary>Prefixes of a regularizer call (regularizers.l2, tf.keras.regularizers.L1L2, ...).</summary>
    private static readonly HashSet<string> RegularizerPrefixWords = new(StringComparer.Ordinal) { "tf", "tensorflow", "keras", "regularizers" };

    /// <summary>Prefixes of an activation function written as a value (activation=tf.nn.relu, keras.activations.relu).</summary>
    private static readonly HashSet<string> ActivationPrefixWords = new(StringComparer.Ordinal) { "tf", "tensorflow", "keras", "nn", "activations", "math" };

    /// <summary>Parses one layer string; an <c>input_shape=</c> argument is accepted and dropped (see <see cref="ParseWithInputShape"/>).</summary>
    public static LayerSpec Parse(string text) => ParseWithInputShape(text).Layer;

    /// <summary>Parses one layer string and returns the <c>input_shape=</c> it carries, if any (Keras' way of giving the model input on the first layer).</summary>
    public static (LayerSpec Layer, int[]? InputShape) ParseWithInputShape(string text)
    {
        var item = ParseItem(text);
        if (item.Layer is null)
            throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                $"Layer string '{Clip(text)}': {item.CallName}(...) gives the model input, not a layer; put it first in the layer list, or give its shape as the model's input shape.", text)
            { Option = "shape" };
        return (item.Layer, ResolvedShape(item, text));
    }

    /// <summary>Like <see cref="ParseWithInputShape"/>, also telling whether the input was declared as token ids (an Embedding's input_length).</summary>
    internal static (LayerSpec Layer, int[]? InputShape, bool TokenInput) ParseWithInput(string text)
    {
        var (layer, shape) = ParseWithInputShape(text);
        return (layer, shape, ParseItem(text).TokenInput);
    }

    /// <summary>Parses one layer string (or one line of pasted code holding one layer or input) with what surrounds it.</summary>
    internal static KerasItem ParseItem(string text, IReadOnlyDictionary<string, object?>? constants = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"Layer string of {text.Length} characters is longer than the limit of {MaxLength}.", text[..40] + "…");
        return new Reader(text, 0, text.Length, constants, null).ParseSingle();
    }

    /// <summary>
    /// Reads one statement of pasted code, text[start..end): a layer, an input, a Sequential or Model
    /// construction, or a literal constant; null when the statement builds nothing (print, compile, ...).
    /// Errors give the line and column in <paramref name="text"/>, prefixed with <paramref name="source"/>.
    /// </summary>
    internal static KerasStatement? ParseStatement(string text, int start, int end, IReadOnlyDictionary<string, object?> constants, string source) =>
        new Reader(text, start, end, constants, source).ParseCodeStatement();

    /// <summary>Reads a literal option value written as text (e.g. a regularizer 'l2(0.001)' given in YAML or a hashtable).</summary>
    internal static object? ParseOptionValue(string text, string key)
    {
        if (text.Length > MaxLength)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"The value of '{key}' has {text.Length} characters; the limit is {MaxLength}.", text[..40] + "…") { Option = key };
        return new Reader(text, 0, text.Length, null, null).ParseLoneValue();
    }

    /// <summary>The item's input shape as numbers; a shape naming values the reader cannot evaluate is an error.</summary>
    internal static int[]? ResolvedShape(KerasItem item, string text)
    {
        if (item.InputShape is not { } s) return null;
        if (s.IsResolved) return s.Dims;
        throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
            $"Layer string '{Clip(text)}': {s.Option}={s} names {string.Join(", ", s.Unresolved.Select(n => $"'{n}'"))}, which a layer string cannot evaluate; give the model's input shape as numbers.", text)
        { Option = s.Option };
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

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>A bare word in a value that is not a known constant: an activation name (relu) or, in a shape, a name to be supplied.</summary>
    private sealed record BareName(string Name);

    private readonly record struct Arg(string? Key, object? Value, int ArgPos, int ValuePos);

    private sealed class Reader(string text, int start, int end, IReadOnlyDictionary<string, object?>? constants, string? source)
    {
        private int _pos = start;

        private bool CodeMode => source is not null;

        // ---- statements -------------------------------------------------------------------------

        public KerasItem ParseSingle()
        {
            Skip();
            if (_pos >= end) throw Syntax(_pos, "the layer string is empty; expected e.g. Dense(10).");
            var st = Statement();
            switch (st)
            {
                case LayerStatement l:
                    if (l.Item.AppliedTo is { Length: > 1 })
                        throw Error(ErrorIds.InvalidLayerOption, l.Item.Position, LayerOptions.Inputs,
                            $"a layer string cannot refer to the code's variables ({string.Join(", ", l.Item.AppliedTo)}); name the input layers with inputs=['a', 'b'], or give the whole model as Keras code.");
                    return l.Item;
                case SequentialStatement or ModelStatement:
                    throw Error(ErrorIds.InvalidLayerOption, st.Position, null,
                        "a whole Sequential(...) or Model(...) is a model, not a layer; give the model code as Keras code.");
                default:
                    throw Syntax(0, "expected a layer such as Dense(10).");
            }
        }

        public KerasStatement? ParseCodeStatement()
        {
            Skip();
            if (_pos >= end) return null;
            return Statement();
        }

        public object? ParseLoneValue()
        {
            Skip();
            var v = Plain(Value(0));
            Skip();
            if (_pos < end) throw Syntax(_pos, $"unexpected {Found()} after the value.");
            return v;
        }

        /// <summary>[target =] callee(...)[(refs)] | receiver.add(call) | name = literal. Null (code only) when it builds nothing.</summary>
        private KerasStatement? Statement()
        {
            int first = _pos;
            var name = DottedName(out var segments);
            if (name is null)
            {
                if (CodeMode) return null;
                throw Syntax(_pos, $"expected a layer type such as Dense or Conv2D, found {Found()}.");
            }
            Skip();
            string? target = null;
            if (Peek('=') && !PeekAt(1, '='))
            {
                target = name;
                _pos++;
                Skip();
                int rhs = _pos;
                name = DottedName(out segments);
                if (name is null)
                {
                    if (!CodeMode) throw Syntax(rhs, $"expected a layer such as Dense(10) after '=', found {Found()}.");
                    // A literal constant (hidden_units = 3) the layers may name.
                    if (target.Contains('.')) return null;
                    try
                    {
                        var v = Plain(Value(0));
                        Skip();
                        return _pos >= end ? new ConstantStatement(first, target, v) : null;
                    }
                    catch (ModelCostException) { return null; }
                }
                Skip();
                first = rhs;
            }

            string last = segments[^1];
            var prefix = segments[..^1];
            if (last == "add" && prefix.Length > 0 && !prefix.All(PrefixWords.Contains) && Peek('('))
            {
                // model.add(layer)
                _pos++;
                Skip();
                int inner = _pos;
                var callee = DottedName(out var innerSegments);
                if (callee is null || !IsLayerCallee(innerSegments))
                {
                    if (CodeMode) return null;
                    throw Syntax(inner, $"expected a layer inside {name}(...), found {Found()}.");
                }
                Skip();
                var item = Call(innerSegments, inner, null);
                Skip();
                if (!Peek(')')) throw Syntax(_pos, _pos >= end ? $"unbalanced parentheses: {name}( is never closed with ')'." : $"expected ')' closing {name}(, found {Found()}.");
                _pos++;
                End();
                return new LayerStatement(Copy(item, addedTo: string.Join('.', prefix)));
            }
            if (last == "Sequential" && prefix.All(ModelPrefixWords.Contains))
                return Sequential(first, target, name);
            if (last is "Model" or "Functional" && prefix.All(ModelPrefixWords.Contains))
                return Model(first, target, name);
            if (!IsLayerCallee(segments))
            {
                if (CodeMode) return null;
                CheckPrefix(segments, first);
                throw Error(ErrorIds.UnknownLayerType, first + name.Length - last.Length, "type",
                    $"unknown layer type '{last}'.{Suggest.Hint(last, LayerTypes.All)} Known types: {string.Join(", ", LayerTypes.All)}.");
            }
            var call = Call(segments, first, target);
            End();
            return new LayerStatement(call);
        }

        private SequentialStatement Sequential(int position, string? target, string callee)
        {
            if (!Peek('(')) throw Syntax(_pos, $"expected '(' after {callee}, found {Found()}.");
            _pos++;
            Skip();
            var items = new List<KerasItem>();
            string? modelName = null;
            bool sawLayers = false;
            while (!Peek(')'))
            {
                if (_pos >= end) throw Syntax(_pos, $"unbalanced parentheses: {callee}( is never closed with ')'.");
                int argPos = _pos;
                string? key = KeywordOf();
                if ((key is null && !sawLayers) || key == "layers")
                {
                    if (sawLayers) throw Error(ErrorIds.InvalidLayerOption, argPos, "layers", "the layers are given twice.");
                    sawLayers = true;
                    Skip();
                    if (!(Peek('[') || Peek('('))) throw Syntax(_pos, $"expected the list of layers [...], found {Found()}.");
                    char close = text[_pos] == '[' ? ']' : ')';
                    int open = _pos;
                    _pos++;
                    Skip();
                    while (!Peek(close))
                    {
                        if (_pos >= end) throw Syntax(open, $"unbalanced brackets: '{text[open]}' is never closed with '{close}'.");
                        int itemPos = _pos;
                        DottedName(out var segs);
                        if (segs.Length == 0 || !IsLayerCallee(segs))
                        {
                            _pos = itemPos;
                            throw Syntax(itemPos, $"expected a layer such as layers.Dense(10) in the Sequential list, found {Found()}.");
                        }
                        Skip();
                        items.Add(Call(segs, itemPos, null));
                        Skip();
                        if (Peek(',')) { _pos++; Skip(); continue; }
                        if (!Peek(close)) throw Syntax(_pos, $"expected ',' or '{close}' after a layer, found {Found()}.");
                    }
                    _pos++;
                }
                else if (key == "name")
                {
                    Skip();
                    int valuePos = _pos;
                    modelName = Plain(Value(0)) as string ?? throw Error(ErrorIds.InvalidLayerOption, valuePos, "name", "the model name must be a string.");
                }
                else if (key == "trainable")
                {
                    Skip();
                    if (Plain(Value(0)) is not true) throw Error(ErrorIds.UnknownLayerOption, argPos, key, "frozen models (trainable=False) are not supported.");
                }
                else throw Error(ErrorIds.UnknownLayerOption, argPos, key, $"Sequential takes layers and name, not '{key ?? "a second positional argument"}'.");
                Skip();
                if (Peek(',')) { _pos++; Skip(); continue; }
                if (!Peek(')')) throw Syntax(_pos, _pos >= end ? $"unbalanced parentheses: {callee}( is never closed with ')'." : $"expected ',' or ')' after an argument, found {Found()}.");
            }
            _pos++;
            End();
            return new SequentialStatement(position, target, items, modelName);
        }

        private ModelStatement Model(int position, string? target, string callee)
        {
            if (!Peek('(')) throw Syntax(_pos, $"expected '(' after {callee}, found {Found()}.");
            _pos++;
            Skip();
            string[]? inputs = null, outputs = null;
            string? modelName = null;
            int positional = 0;
            while (!Peek(')'))
            {
                if (_pos >= end) throw Syntax(_pos, $"unbalanced parentheses: {callee}( is never closed with ')'.");
                int argPos = _pos;
                string? key = KeywordOf() ?? (positional++ switch { 0 => "inputs", 1 => "outputs", _ => "?" });
                Skip();
                switch (key)
                {
                    case "inputs" or "input": inputs = References(); break;
                    case "outputs" or "output": outputs = References(); break;
                    case "name":
                        int valuePos = _pos;
                        modelName = Plain(Value(0)) as string ?? throw Error(ErrorIds.InvalidLayerOption, valuePos, "name", "the model name must be a string.");
                        break;
                    case "trainable":
                        if (Plain(Value(0)) is not true) throw Error(ErrorIds.UnknownLayerOption, argPos, key, "frozen models (trainable=False) are not supported.");
                        break;
                    default:
                        throw Error(ErrorIds.UnknownLayerOption, argPos, key, $"Model takes inputs, outputs and name, not '{key}'.");
                }
                Skip();
                if (Peek(',')) { _pos++; Skip(); continue; }
                if (!Peek(')')) throw Syntax(_pos, _pos >= end ? $"unbalanced parentheses: {callee}( is never closed with ')'." : $"expected ',' or ')' after an argument, found {Found()}.");
            }
            _pos++;
            End();
            if (inputs is null || outputs is null)
                throw Error(ErrorIds.InvalidLayerOption, position, inputs is null ? "inputs" : "outputs", "Model(...) needs inputs= and outputs=.");
            return new ModelStatement(position, target, inputs, outputs, modelName);
        }

        /// <summary>After a statement: nothing, or (for a pasted list item) a trailing comma; comments are skipped.</summary>
        private void End()
        {
            Skip();
            if (!CodeMode && Peek(',')) { _pos++; Skip(); }
            if (_pos < end) throw Syntax(_pos, $"unexpected {Found()} after the closing ')'; give one layer per string.");
        }

        // ---- calls --------------------------------------------------------------------------------

        private static bool IsLayerCallee(string[] segments)
        {
            if (segments.Length == 0) return false;
            var last = segments[^1];
            if (segments.Length > 1 && last == "add" && !segments[..^1].All(PrefixWords.Contains)) return false;
            return last is "Input" or "InputLayer" || ActivationLayerClass(last) is not null || LayerTypes.TryCanonicalize(last, out _);
        }

        private void CheckPrefix(string[] segments, int pos)
        {
            if (segments.Length > 1 && !segments[..^1].All(PrefixWords.Contains))
            {
                var bad = segments[..^1].First(s => !PrefixWords.Contains(s));
                throw Syntax(pos, $"'{bad}.' is not a Keras layers prefix (layers., keras.layers., tf.keras.layers.).");
            }
        }

        /// <summary>The callee has been read; reads (args) and an optional functional application (refs).</summary>
        private KerasItem Call(string[] segments, int position, string? target)
        {
            CheckPrefix(segments, position);
            string ident = segments[^1];
            Skip();
            if (!Peek('(')) throw Syntax(_pos, $"expected '(' after {ident}, found {Found()}; write e.g. {ident}().");
            _pos++;
            Skip();
            string[]? merged = null;
            if (ident is "add" or "concatenate" && Peek('['))
            {
                // The functional helpers layers.add([a, b]) and layers.concatenate([a, b], axis=-1).
                merged = References();
                Skip();
                if (Peek(',')) _pos++;
                else if (!Peek(')')) throw Syntax(_pos, $"expected ',' or ')' after the inputs of {ident}, found {Found()}.");
            }

            var args = Arguments();
            KerasItem item;
            if (ident is "Input" or "InputLayer")
                item = InputCall(ident, args, position);
            else if (ActivationLayerClass(ident) is { } act)
                item = ActivationCall(ident, act, args, position);
            else
            {
                LayerTypes.TryCanonicalize(ident, out var type);
                item = LayerCall(type, args, position);
            }

            Skip();
            string[]? applied = null;
            if (Peek('('))
            {
                // Functional API: Layer(...)(x) or Add()([a, b]).
                _pos++;
                Skip();
                applied = References();
                Skip();
                while (Peek(','))
                {
                    _pos++;
                    Skip();
                    if (Peek(')')) break;
                    int kwPos = _pos;
                    var kw = KeywordOf();
                    if (kw is not ("training" or "mask"))
                        throw Syntax(kwPos, $"a layer is applied to its inputs only (and training=/mask=), not {Found()}.");
                    Skip();
                    Value(0);
                    Skip();
                }
                if (!Peek(')')) throw Syntax(_pos, _pos >= end ? "unbalanced parentheses: the call on the layer's inputs is never closed with ')'." : $"expected ')' after the layer's inputs, found {Found()}.");
                _pos++;
            }
            if (merged is not null && applied is not null)
                throw Syntax(position, $"{ident}([...]) already names its inputs; it is not applied to more.");
            return Copy(item, assignedTo: target, appliedTo: applied ?? merged);
        }

        private static KerasItem Copy(KerasItem i, string? assignedTo = null, string? addedTo = null, string[]? appliedTo = null) => new()
        {
            Layer = i.Layer, CallName = i.CallName, InputShape = i.InputShape, InputName = i.InputName, Position = i.Position, TokenInput = i.TokenInput,
            AssignedTo = assignedTo ?? i.AssignedTo, AddedTo = addedTo ?? i.AddedTo, AppliedTo = appliedTo ?? i.AppliedTo,
        };

        /// <summary>The argument list after '(' up to and including ')'.</summary>
        private List<Arg> Arguments()
        {
            var args = new List<Arg>();
            bool sawKeyword = false;
            Skip();
            while (!Peek(')'))
            {
                if (_pos >= end) throw Syntax(_pos, "unbalanced parentheses: the argument list is never closed with ')'.");
                int argPos = _pos;
                var key = KeywordOf();
                Skip();
                int valuePos = _pos;
                var value = Value(0);
                if (key is null && sawKeyword) throw Syntax(argPos, "a positional argument follows a keyword argument.");
                if (key is not null) sawKeyword = true;
                args.Add(new Arg(key, value, argPos, valuePos));
                Skip();
                if (Peek(',')) { _pos++; Skip(); continue; }
                if (!Peek(')'))
                    throw Syntax(_pos, _pos >= end ? "unbalanced parentheses: the argument list is never closed with ')'." : $"expected ',' or ')' after an argument, found {Found()}.");
            }
            _pos++;
            return args;
        }

        /// <summary>Gives positional arguments their Keras names and checks that none is given twice.</summary>
        private List<Arg> Named(List<Arg> args, string[] positional, string what)
        {
            var named = new List<Arg>(args.Count);
            var given = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (var a in args)
            {
                var key = a.Key;
                if (key is null)
                {
                    if (index >= positional.Length)
                        throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, null,
                            positional.Length == 0 ? $"{what} takes no positional arguments; name the option (e.g. name=\"x\")."
                                : $"{what} takes at most {positional.Length} positional argument(s) ({string.Join(", ", positional)}); name the others.");
                    key = positional[index++];
                }
                if (!given.Add(key))
                    throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, key, $"'{key}' is given more than once.");
                named.Add(a with { Key = key });
            }
            return named;
        }

        private KerasItem LayerCall(string type, List<Arg> args, int position)
        {
            var b = new LayerSpecBuilder { Type = type };
            InputShapeText? inputShape = null;
            bool tokens = false;
            foreach (var a in Named(args, Positional(type), type))
            {
                string key = a.Key!;
                // Embedding's input_dim is its vocabulary; on other layers Keras 2's Dense(64, input_dim=784) means input_shape=(784,).
                if (key == InputShapeKey || (key == InputDimKey && type != LayerTypes.Embedding))
                {
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, key, "give input_shape or input_dim, not both.");
                    inputShape = ShapeOf(key == InputDimKey && a.Value is not null ? new object?[] { a.Value } : a.Value, key, a.ValuePos);
                    continue;
                }
                if (key == InputLengthKey && type == LayerTypes.Embedding)
                {
                    // Keras 2's Embedding(…, input_length=n): the model input is n token ids.
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, key, "give input_shape or input_length, not both.");
                    inputShape = ShapeOf(a.Value is not null ? new object?[] { a.Value } : a.Value, key, a.ValuePos);
                    tokens = true;
                    continue;
                }
                if (key == "batch_input_shape")
                {
                    if (inputShape is not null) throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, key, "give one input shape.");
                    inputShape = ShapeOf(a.Value, key, a.ValuePos, dropBatch: true);
                    continue;
                }
                var value = Plain(a.Value);
                LayerOptionValues.Fail fail = (id, opt, reason) => Error(id, a.ValuePos, opt, reason);
                if (LayerOptions.IsIgnored(key) || key == "batch_size") continue;
                if (DefaultOnlyOptions.Accept(type, key, value, (id, opt, reason) => Error(id, a.ArgPos, opt, reason))) continue;
                if (!LayerOptions.IsAllowed(type, key))
                {
                    bool known = LayerOptions.All.Contains(key);
                    var hint = known ? "" : Suggest.Hint(key, LayerOptions.AllowedFor(type).Append(LayerOptions.Name).Append(InputShapeKey));
                    throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key,
                        $"{(known ? $"option '{key}' does not apply to {type}." : $"unknown option '{key}'.")}{hint} {LayerOptions.Describe(type)}");
                }
                LayerOptionValues.Apply(b, key, value, fail);
            }
            return new KerasItem { Layer = b.Build(), CallName = type, InputShape = inputShape, TokenInput = tokens, Position = position };
        }

        private KerasItem InputCall(string ident, List<Arg> args, int position)
        {
            InputShapeText? shape = null;
            string? inputName = null;
            bool tokens = false;
            foreach (var a in Named(args, ["shape"], ident))
            {
                string key = a.Key!;
                switch (key)
                {
                    case "shape" or InputShapeKey or "batch_shape" or "batch_input_shape":
                        if (shape is not null) throw Error(ErrorIds.InvalidLayerOption, a.ArgPos, key, "give one shape.");
                        shape = ShapeOf(a.Value, key, a.ValuePos, dropBatch: key.StartsWith("batch", StringComparison.Ordinal));
                        break;
                    case "name":
                        inputName = Plain(a.Value) as string ?? throw Error(ErrorIds.InvalidLayerOption, a.ValuePos, key, "name must be a string.");
                        break;
                    case "dtype":
                        // keras.Input(shape=(128,), dtype="int32"): token ids for an Embedding.
                        var dtype = Plain(a.Value) as string;
                        if (dtype is not null && !InputDtypes.TryNormalize(dtype, out _))
                            throw Error(ErrorIds.InvalidLayerOption, a.ValuePos, key, $"input dtype '{dtype}' is not supported; use float32 (the default) or int32 (token ids).");
                        InputDtypes.TryNormalize(dtype, out var normalized);
                        tokens = normalized == InputDtypes.Int32;
                        break;
                    case "batch_size":
                        break;
                    case "sparse" or "ragged" or "input_tensor":
                        if (Plain(a.Value) is not (null or false))
                            throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, $"{key} inputs are not supported.");
                        break;
                    default:
                        throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, $"{ident} takes shape (or input_shape/batch_shape), name, dtype and batch_size, not '{key}'.");
                }
            }
            if (shape is null) throw Error(ErrorIds.MissingLayerOption, position, "shape", $"{ident} needs the input shape, e.g. {ident}(shape=(784,)).");
            return new KerasItem { CallName = ident, InputShape = shape, InputName = inputName, TokenInput = tokens, Position = position };
        }

        /// <summary>Keras activation layers (ReLU(), LeakyReLU(), Softmax(), ELU()) become Activation layers.</summary>
        private static string? ActivationLayerClass(string ident) => ident switch
        {
            "ReLU" => Activations.Relu,
            "LeakyReLU" => Activations.LeakyRelu,
            "Softmax" => Activations.Softmax,
            "ELU" => Activations.Elu,
            _ => null,
        };

        private KerasItem ActivationCall(string ident, string activation, List<Arg> args, int position)
        {
            var b = new LayerSpecBuilder { Type = LayerTypes.Activation, Activation = activation };
            string[] positional = ident switch { "ReLU" => ["max_value", "negative_slope", "threshold"], "LeakyReLU" => ["negative_slope"], "Softmax" => ["axis"], _ => ["alpha"] };
            double? maxValue = null, slope = ident == "LeakyReLU" ? 0.3 : null; // Keras' LeakyReLU layer default is 0.3
            InputShapeText? inputShape = null;
            foreach (var a in Named(args, positional, ident))
            {
                string key = a.Key!;
                var value = Plain(a.Value);
                double Number() => value switch
                {
                    long l => l, double d => d,
                    _ => throw Error(ErrorIds.InvalidLayerOption, a.ValuePos, key, $"{key} must be a number, not {LayerOptionValues.Show(value)}."),
                };
                switch (ident, key)
                {
                    case (_, "name"):
                        b.Name = value as string ?? throw Error(ErrorIds.InvalidLayerOption, a.ValuePos, key, "name must be a string.");
                        break;
                    case (_, InputShapeKey):
                        inputShape = ShapeOf(a.Value, key, a.ValuePos);
                        break;
                    case (_, "dtype"):
                        break;
                    case (_, "trainable"):
                        if (value is not true) throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, "frozen layers (trainable=False) are not supported.");
                        break;
                    case ("ReLU", "max_value"):
                        if (value is not null) maxValue = Number();
                        break;
                    case ("ReLU", "negative_slope") or ("LeakyReLU", "negative_slope" or "alpha"):
                        slope = Number();
                        break;
                    case ("ReLU", "threshold"):
                        if (Number() != 0) throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, "ReLU with a threshold other than 0 is not supported.");
                        break;
                    case ("Softmax", "axis"):
                        if (value is not -1L) throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, "Softmax over an axis other than -1 is not supported.");
                        break;
                    case ("ELU", "alpha"):
                        if (Number() != 1) throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, "ELU with alpha other than 1.0 is not supported.");
                        break;
                    default:
                        throw Error(ErrorIds.UnknownLayerOption, a.ArgPos, key, $"unknown option '{key}' for {ident}; it takes {string.Join(", ", positional)} (plus name).");
                }
            }
            if (ident == "ReLU")
            {
                if (maxValue is not null && slope is not (null or 0))
                    throw Error(ErrorIds.UnknownLayerOption, position, "max_value", "ReLU with both max_value and negative_slope is not supported.");
                if (maxValue is { } m)
                {
                    if (m != 6) throw Error(ErrorIds.UnknownLayerOption, position, "max_value", "ReLU supports max_value None or 6 (relu6) only.");
                    b.Activation = Activations.Relu6;
                }
                else if (slope is > 0) { b.Activation = Activations.LeakyRelu; b.NegativeSlope = slope; }
                else if (slope is < 0) throw Error(ErrorIds.InvalidLayerOption, position, "negative_slope", "negative_slope must not be negative.");
            }
            else if (ident == "LeakyReLU") b.NegativeSlope = slope;
            return new KerasItem { Layer = b.Build(), CallName = ident, InputShape = inputShape, Position = position };
        }

        /// <summary>A shape literal whose dimensions may be constants or (to be supplied) names.</summary>
        private InputShapeText ShapeOf(object? value, string key, int valuePos, bool dropBatch = false)
        {
            LayerOptionValues.Fail fail = (id, opt, reason) => Error(id, valuePos, opt, reason);
            if (value is not object?[] items)
                throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be a tuple of integers such as (28, 28, 1), not {LayerOptionValues.Show(Plain(value))}.");
            if (dropBatch)
            {
                if (items.Length == 0 || items[0] is not (null or long)) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} starts with the batch size (None or a number).");
                items = items[1..];
            }
            if (items.Length == 0) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must not be empty.");
            var dims = new int[items.Length];
            var names = new string?[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                if (items[i] is BareName n) { names[i] = n.Name; continue; }
                dims[i] = LayerOptionValues.Shape(new object?[] { items[i] }, key, fail)[0];
            }
            return new InputShapeText(dims, names, key);
        }

        /// <summary>A variable, or a list/tuple of variables: what a layer is applied to, or a Model's inputs/outputs.</summary>
        private string[] References()
        {
            Skip();
            if (Peek('[') || Peek('('))
            {
                char close = text[_pos] == '[' ? ']' : ')';
                int open = _pos;
                _pos++;
                var list = new List<string>();
                Skip();
                while (!Peek(close))
                {
                    if (_pos >= end) throw Syntax(open, $"unbalanced brackets: '{text[open]}' is never closed with '{close}'.");
                    list.Add(DottedName(out _) ?? throw Syntax(_pos, $"expected a variable name, found {Found()}."));
                    Skip();
                    if (Peek(',')) { _pos++; Skip(); continue; }
                    if (!Peek(close)) throw Syntax(_pos, $"expected ',' or '{close}', found {Found()}.");
                }
                _pos++;
                return list.ToArray();
            }
            return [DottedName(out _) ?? throw Syntax(_pos, $"expected a variable name, found {Found()}.")];
        }

        /// <summary>Reads "key =" (not "==") and returns key, or leaves the position unchanged and returns null.</summary>
        private string? KeywordOf()
        {
            int save = _pos;
            var word = Identifier();
            if (word is not null)
            {
                Skip();
                if (Peek('=') && !PeekAt(1, '=')) { _pos++; return word; }
            }
            _pos = save;
            return null;
        }

        /// <summary>name(.name)*; the segments are returned, the text joined with dots. Null (position unchanged) when no name starts here.</summary>
        private string? DottedName(out string[] segments)
        {
            segments = [];
            var first = Identifier();
            if (first is null) return null;
            var list = new List<string> { first };
            while (Peek('.') && _pos + 1 < end && (char.IsAsciiLetter(text[_pos + 1]) || text[_pos + 1] == '_'))
            {
                _pos++;
                list.Add(Identifier()!);
            }
            if (Peek('.')) throw Syntax(_pos + 1, $"expected a name after '.', found {(_pos + 1 >= end ? "the end of the string" : $"'{text[_pos + 1]}'")}.");
            segments = list.ToArray();
            return string.Join('.', segments);
        }

        // ---- values -------------------------------------------------------------------------------

        /// <summary>A literal: number, string, bare word, True/False/None, tuple, list or a regularizer call.</summary>
        private object? Value(int depth)
        {
            Skip();
            if (_pos >= end) throw Syntax(_pos, "expected a value, but the string ends.");
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
                    if (_pos >= end) throw Syntax(open, $"unbalanced brackets: '{c}' is never closed with '{close}'.");
                    items.Add(Value(depth + 1));
                    Skip();
                    if (Peek(',')) { _pos++; Skip(); continue; }
                    if (!Peek(close))
                        throw Syntax(_pos >= end ? open : _pos, _pos >= end ? $"unbalanced brackets: '{c}' is never closed with '{close}'." : $"expected ',' or '{close}', found {Found()}.");
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
            {
                _pos = start;
                DottedName(out var segments);
                var last = segments[^1];
                var prefix = segments[..^1];
                if (Peek('(') && RegularizerValues.IsConstructor(last) && prefix.All(RegularizerPrefixWords.Contains))
                    return RegularizerCall(last, depth);
                if (!Peek('(') && prefix.Length > 0 && prefix.All(ActivationPrefixWords.Contains) && Activations.TryNormalize(last, out _))
                    return last; // activation=tf.nn.relu
                throw Syntax(start, $"'{word}{text[start + word.Length]}…' is an expression; layer strings hold only literal values (nothing is evaluated).");
            }
            switch (word)
            {
                case "True" or "true": return true;
                case "False" or "false": return false;
                case "None" or "none" or "null": return null;
            }
            if (constants is not null && constants.TryGetValue(word, out var constant)) return constant;
            return new BareName(word);
        }

        private CallValue RegularizerCall(string function, int depth)
        {
            int open = _pos;
            _pos++;
            var args = new List<object?>();
            var kwargs = new List<(string, object?)>();
            Skip();
            while (!Peek(')'))
            {
                if (_pos >= end) throw Syntax(open, $"unbalanced parentheses: {function}( is never closed with ')'.");
                int argPos = _pos;
                var key = KeywordOf();
                Skip();
                var v = Plain(Value(depth + 1));
                if (key is null)
                {
                    if (kwargs.Count > 0) throw Syntax(argPos, "a positional argument follows a keyword argument.");
                    args.Add(v);
                }
                else kwargs.Add((key, v));
                Skip();
                if (Peek(',')) { _pos++; Skip(); continue; }
                if (!Peek(')')) throw Syntax(_pos >= end ? open : _pos, _pos >= end ? $"unbalanced parentheses: {function}( is never closed with ')'." : $"expected ',' or ')', found {Found()}.");
            }
            _pos++;
            return new CallValue(function, args.ToArray(), kwargs.ToArray());
        }

        /// <summary>Bare names become strings (activation=relu) once a value is not a shape.</summary>
        private static object? Plain(object? v) => v switch
        {
            BareName n => n.Name,
            object?[] a => a.Select(Plain).ToArray(),
            _ => v,
        };

        private string StringLiteral()
        {
            int open = _pos;
            char q = text[_pos++];
            var sb = new StringBuilder();
            while (_pos < end && text[_pos] != q)
            {
                char c = text[_pos++];
                if (c == '\\' && _pos < end)
                {
                    char e = text[_pos++];
                    sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
                }
                else sb.Append(c);
            }
            if (_pos >= end) throw Syntax(open, $"the string starting with {q} is never closed.");
            _pos++;
            return sb.ToString();
        }

        private object Number()
        {
            int start = _pos;
            if (text[_pos] is '-' or '+') _pos++;
            bool isFloat = false;
            while (_pos < end && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '_'
                       || (text[_pos] is '-' or '+' && text[_pos - 1] is 'e' or 'E')))
            {
                if (text[_pos] is '.' or 'e' or 'E') isFloat = true;
                _pos++;
            }
            var s = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            if (!isFloat && s.Length > 0 && BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bi))
                return bi >= long.MinValue && bi <= long.MaxValue ? (object)(long)bi : bi;
            if (isFloat && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                return d;
            throw Syntax(start, $"'{Clip(text[start.._pos])}' is not a number.");
        }

        private string? Identifier()
        {
            if (_pos >= end || !(char.IsAsciiLetter(text[_pos]) || text[_pos] == '_')) return null;
            int start = _pos;
            while (_pos < end && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            // Without this, 'Dénse' would be read as the name 'D' followed by junk and reported as an unknown type 'D'.
            if (_pos < end && char.IsLetterOrDigit(text[_pos]))
                throw Syntax(_pos, $"'{text[_pos]}' cannot be part of a name; names use ASCII letters, digits and '_'.");
            return text[start.._pos];
        }

        private bool Peek(char c) => _pos < end && text[_pos] == c;

        private bool PeekAt(int offset, char c) => _pos + offset < end && text[_pos + offset] == c;

        /// <summary>Skips white space and # comments (to the end of the line), as Python does.</summary>
        private void Skip()
        {
            while (_pos < end)
            {
                if (char.IsWhiteSpace(text[_pos])) { _pos++; continue; }
                if (text[_pos] == '#')
                {
                    while (_pos < end && text[_pos] != '\n') _pos++;
                    continue;
                }
                if (text[_pos] == '\\' && _pos + 1 < end && text[_pos + 1] is '\n' or '\r') { _pos++; continue; }
                break;
            }
        }

        private string Found() => _pos >= end ? "the end of the string" : $"'{text[_pos]}'";

        private ModelCostException Syntax(int pos, string reason) => Error(ErrorIds.LayerStringSyntax, pos, null, reason);

        private ModelCostException Error(string id, int pos, string? option, string reason)
        {
            var category = id == ErrorIds.LayerStringSyntax ? ModelCostErrorCategory.ParserError
                : id == ErrorIds.SpecTooLarge ? ModelCostErrorCategory.LimitsExceeded : ModelCostErrorCategory.InvalidArgument;
            if (source is not null)
            {
                var (line, col) = LineColumn(Math.Min(pos, end));
                return new ModelCostException(id, category,
                    $"{source}:{line}:{col}{(option is null ? "" : $", option '{option}'")}: {reason}", text.Length <= 200 ? text : source)
                { Line = line, Column = col, Option = option };
            }
            int column = Math.Min(pos, text.Length) + 1;
            return new ModelCostException(id, category,
                $"Layer string '{Clip(text)}', column {column}{(option is null ? "" : $", option '{option}'")}: {reason}", text)
            { Column = column, Option = option };
        }

        private (int Line, int Column) LineColumn(int pos)
        {
            int line = 1, lineStart = 0;
            for (int i = 0; i < pos && i < text.Length; i++)
                if (text[i] == '\n') { line++; lineStart = i + 1; }
            return (line, pos - lineStart + 1);
        }
    }
}
