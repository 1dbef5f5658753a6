using System.Collections;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs.KerasCode;
using ModelCost.Core.Specs.Parsing;

namespace ModelCost.Core.Specs;

/// <summary>
/// Builds layers from what PowerShell users pass: Keras-style strings, hashtables such as
/// <c>@{ Type = 'Dense'; Units = 256; Activation = 'relu' }</c> (keys in PascalCase or snake_case,
/// any case) and ready <see cref="LayerSpec"/> objects. <c>unwrap</c> lets the cmdlet layer strip
/// PSObject wrappers from every value and list element without the core knowing PowerShell.
/// </summary>
public static class LayerSpecFactory
{
    private const string InputShapeKey = "input_shape";

    /// <summary>Folded key (lower case, no underscores) → canonical snake_case option.</summary>
    private static readonly Dictionary<string, string> Keys = BuildKeys();

    /// <summary>Builds a layer from a hashtable/dictionary; keys are case-insensitive, PascalCase or snake_case.</summary>
    public static LayerSpec FromDictionary(IDictionary dict, Func<object?, object?>? unwrap = null) =>
        FromDictionaryWithInputShape(dict, unwrap).Layer;

    /// <summary>Builds a layer from a string (<see cref="LayerSpecParser"/>), a dictionary or a <see cref="LayerSpec"/>.</summary>
    public static LayerSpec FromObject(object value, Func<object?, object?>? unwrap = null) =>
        FromObjectWithInputShape(value, unwrap).Layer;

    /// <summary>
    /// Builds and validates a model as New-ModelSpec does. When <paramref name="inputShape"/> is null the
    /// first layer's <c>input_shape</c> (string or hashtable) is used, as in Keras. Errors name the layer index.
    /// </summary>
    public static ModelSpec Create(string name, int[]? inputShape, IEnumerable<object> layers, Func<object?, object?>? unwrap = null, string? inputDtype = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (string.IsNullOrWhiteSpace(name))
            throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                "A model needs a non-empty name.", name) { Option = "Name" };
        var list = new List<LayerSpec>();
        int[]? shape = inputShape;
        bool sawInput = false, tokenInput = false;
        int i = 0;
        foreach (var item in layers)
        {
            LayerSpec layer;
            InputShapeText? given;
            try
            {
                var v = item is null ? null : unwrap is null ? item : unwrap(item);
                if (v is string text)
                {
                    var parsed = LayerSpecParser.ParseItem(text);
                    if (parsed.Layer is null)
                    {
                        // keras.Input(shape=...) / layers.InputLayer(input_shape=...): the model input, not a layer.
                        if (list.Count > 0 || sawInput)
                            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                                $"{parsed.CallName}(...) gives the model input, so it must come first, before every layer.", text) { Option = "shape" };
                        sawInput = true;
                        tokenInput = parsed.TokenInput;
                        shape = MergeShape(name, shape, parsed.InputShape!, text);
                        continue;
                    }
                    if (parsed.AppliedTo is { Length: > 1 })
                        throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                            $"{parsed.CallName} is applied to {string.Join(", ", parsed.AppliedTo)}, variables a layer list cannot see; name its inputs with inputs=['a', 'b'], or give the whole model as Keras code.", text)
                        { Option = LayerOptions.Inputs };
                    (layer, given) = (parsed.Layer, parsed.InputShape);
                    if (given is not null) tokenInput = parsed.TokenInput;
                }
                else
                {
                    var r = FromObjectWithInput(item ?? throw new ModelCostException(ErrorIds.InvalidLayerOption,
                        ModelCostErrorCategory.InvalidArgument, "the layer is null.", null), unwrap);
                    (layer, given) = (r.Layer, r.InputShape is null ? null : new InputShapeText(r.InputShape, new string?[r.InputShape.Length], InputShapeKey));
                    if (given is not null) tokenInput = r.TokenInput;
                }
            }
            catch (ModelCostException ex) when (ex.LayerIndex is null)
            {
                throw new ModelCostException(ex.ErrorId, ex.Category, $"Model '{name}', layer {i}: {ex.Message}", ex.Target, ex)
                { LayerIndex = i, LayerName = null, Option = ex.Option, Column = ex.Column };
            }
            if (given is not null)
            {
                if (i != 0)
                    throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                        $"Model '{name}', layer {i} ({layer}): input_shape is only meaningful on the first layer.", layer) { LayerIndex = i, Option = InputShapeKey };
                try { shape = MergeShape(name, shape, given, layer); }
                catch (ModelCostException ex)
                {
                    throw new ModelCostException(ex.ErrorId, ex.Category, ex.Message, ex.Target, ex) { LayerIndex = 0, Option = InputShapeKey };
                }
            }
            list.Add(layer);
            i++;
        }
        if (shape is null)
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{name}' has no input shape: neither the model nor its first layer (input_shape) gives one.", name) { Option = "InputShape" };
        // Keras 2's Embedding(…, input_length=n) on the first layer declares n token ids, unless the input dtype says otherwise.
        if (!InputDtypes.TryNormalize(inputDtype ?? (tokenInput ? InputDtypes.Int32 : null), out var dtype))
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{name}': input dtype '{inputDtype}' is not known; use float32 (the default) or int32 (token ids).", inputDtype) { Option = "InputDtype" };
        var spec = new ModelSpec { Name = name, InputShape = shape, Layers = list, InputDtype = dtype == InputDtypes.Float32 ? null : dtype };
        ShapeInference.Resolve(spec);
        return spec;
    }

    /// <summary>
    /// Combines -InputShape with a shape written in the layers (input_shape=, Input(shape=)): either may be
    /// missing; when both are given they must agree, and names in the written shape take the given numbers.
    /// </summary>
    internal static int[] MergeShape(string model, int[]? given, InputShapeText written, object target)
    {
        if (given is null)
        {
            if (written.IsResolved) return written.Dims;
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{model}': the input shape {written} names {string.Join(", ", written.Unresolved.Select(n => $"'{n}'"))}, which pasted code cannot evaluate; give the input shape as numbers (e.g. {string.Join(",", written.Dims.Select((d, k) => written.Names[k] is null ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "28"))}).", target)
            { Option = "InputShape" };
        }
        if (!written.Accepts(given))
            throw new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument,
                $"Model '{model}': {written.Option}={written} disagrees with the given input shape {ShapeText.Format(given)}.", target) { Option = written.Option };
        return given;
    }

    /// <summary>Like <see cref="FromObject"/>, also returning an <c>input_shape</c> the layer carries.</summary>
    public static (LayerSpec Layer, int[]? InputShape) FromObjectWithInputShape(object value, Func<object?, object?>? unwrap = null)
    {
        var (layer, shape, _) = FromObjectWithInput(value, unwrap);
        return (layer, shape);
    }

    /// <summary>Like <see cref="FromObjectWithInputShape"/>, also telling whether the input was declared as token ids (an Embedding's input_length).</summary>
    private static (LayerSpec Layer, int[]? InputShape, bool TokenInput) FromObjectWithInput(object value, Func<object?, object?>? unwrap)
    {
        var v = unwrap is null ? value : unwrap(value);
        return v switch
        {
            LayerSpec l => (l, null, false),
            string s => LayerSpecParser.ParseWithInput(s),
            IDictionary d => FromDictionaryWithInput(d, unwrap),
            null => throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument, "the layer is null.", null),
            _ => throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                $"a layer must be a string such as 'Dense(10)', a hashtable such as @{{ Type = 'Dense'; Units = 10 }} or a LayerSpec, not a {v.GetType().Name}.", v),
        };
    }

    /// <summary>Like <see cref="FromDictionary"/>, also returning an <c>InputShape</c>/<c>input_shape</c> entry.</summary>
    public static (LayerSpec Layer, int[]? InputShape) FromDictionaryWithInputShape(IDictionary dict, Func<object?, object?>? unwrap = null)
    {
        var (layer, shape, _) = FromDictionaryWithInput(dict, unwrap);
        return (layer, shape);
    }

    private static (LayerSpec Layer, int[]? InputShape, bool TokenInput) FromDictionaryWithInput(IDictionary dict, Func<object?, object?>? unwrap)
    {
        ArgumentNullException.ThrowIfNull(dict);
        var entries = new List<(string Given, string Key, object? Value)>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in dict)
        {
            var keyObj = unwrap is null ? e.Key : unwrap(e.Key);
            var given = keyObj as string ?? throw Fail(ErrorIds.InvalidLayerOption, null, $"a hashtable key must be a string, not {LayerOptionValues.Show(keyObj)}.");
            var folded = Fold(given);
            if (!Keys.TryGetValue(folded, out var key))
                throw Fail(ErrorIds.UnknownLayerOption, given,
                    $"unknown key '{given}'.{Suggest.Hint(given, LayerOptions.All.Select(Pascal))} Keys: {string.Join(", ", LayerOptions.All.Select(Pascal))} (PascalCase or snake_case).");
            if (!seen.TryAdd(key, given))
                throw Fail(ErrorIds.InvalidLayerOption, given, $"'{given}' and '{seen[key]}' are the same option.");
            entries.Add((given, key, Unwrap(e.Value, unwrap, 0)));
        }
        var typeEntry = entries.FirstOrDefault(x => x.Key == LayerOptions.Type);
        if (typeEntry.Key is null)
            throw Fail(ErrorIds.MissingLayerOption, "Type", "the hashtable has no Type (e.g. @{ Type = 'Dense'; Units = 10 }).");
        if (typeEntry.Value is not string typeText)
            throw Fail(ErrorIds.InvalidLayerOption, typeEntry.Given, $"Type must be a string, not {LayerOptionValues.Show(typeEntry.Value)}.");
        if (!LayerTypes.TryCanonicalize(typeText, out var type))
            throw Fail(ErrorIds.UnknownLayerType, typeEntry.Given,
                $"unknown layer type '{typeText}'.{Suggest.Hint(typeText, LayerTypes.All)} Known types: {string.Join(", ", LayerTypes.All)}.");

        var b = new LayerSpecBuilder { Type = type };
        int[]? inputShape = null;
        bool tokens = false;
        foreach (var (given, key, value) in entries)
        {
            if (key == LayerOptions.Type || LayerOptions.IsIgnored(key)) continue;
            LayerOptionValues.Fail fail = (id, _, reason) => Fail(id, given, $"{type}: {reason}");
            if (DefaultOnlyOptions.Accept(type, key, value, fail)) continue;
            if (key == InputShapeKey || (key == LayerSpecParser.InputLengthKey && type == LayerTypes.Embedding))
            {
                if (inputShape is not null) throw Fail(ErrorIds.InvalidLayerOption, given, "give InputShape or InputLength, not both.");
                bool length = key == LayerSpecParser.InputLengthKey;
                inputShape = LayerOptionValues.Shape(length && value is not null && !LayerOptionValues.IsList(value) ? new object?[] { value } : value, given, fail);
                tokens = length;
                continue;
            }
            if (!LayerOptions.IsAllowed(type, key))
                throw Fail(ErrorIds.UnknownLayerOption, given, $"option '{given}' does not apply to {type}. {LayerOptions.Describe(type)}");
            LayerOptionValues.Apply(b, key, value, fail);
        }
        return (b.Build(), inputShape, tokens);
    }

    private static object? Unwrap(object? v, Func<object?, object?>? unwrap, int depth)
    {
        if (unwrap is not null) v = unwrap(v);
        if (v is IDictionary dict)
        {
            // A regularizer given as @{ L2 = 0.001 }.
            if (depth >= LayerSpecParser.MaxNesting || dict.Count > 64)
                throw Fail(ErrorIds.InvalidLayerOption, null, "a hashtable value is nested too deeply or too long for a layer option.");
            var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in dict) d[(unwrap is null ? e.Key : unwrap(e.Key))?.ToString() ?? ""] = Unwrap(e.Value, unwrap, depth + 1);
            return d;
        }
        if (v is string || v is not IList list) return v;
        if (depth >= LayerSpecParser.MaxNesting || list.Count > 64)
            throw Fail(ErrorIds.InvalidLayerOption, null, "a list value is nested too deeply or too long for a layer option.");
        var a = new object?[list.Count];
        for (int i = 0; i < a.Length; i++) a[i] = Unwrap(list[i], unwrap, depth + 1);
        return a;
    }

    private static string Fold(string s) => s.Replace("_", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    private static string Pascal(string snake) => string.Concat(snake.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    private static Dictionary<string, string> BuildKeys()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in LayerOptions.All.Concat(LayerOptions.Ignored).Concat(DefaultOnlyOptions.Keys).Append(InputShapeKey).Append(LayerSpecParser.InputLengthKey)) d[Fold(k)] = k;
        d["zeropadding"] = LayerOptions.Padding; // the LayerSpec property name for ZeroPadding2D amounts
        return d;
    }

    private static ModelCostException Fail(string id, string? option, string reason) =>
        new(id, ModelCostErrorCategory.InvalidArgument, $"Layer hashtable{(option is null ? "" : $", key '{option}'")}: {reason}", option) { Option = option };
}
