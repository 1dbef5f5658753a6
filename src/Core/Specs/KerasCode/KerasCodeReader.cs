using System.Globalization;
using System.Text.RegularExpressions;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.KerasCode;

/// <summary>
/// Reads Keras model-building code as people paste it from a notebook, and returns the models it builds:
/// <list type="bullet">
/// <item><c>keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(256, activation="relu"), ...], name="MLP")</c></item>
/// <item><c>model = models.Sequential()</c> then <c>model.add(layers.InputLayer(input_shape=(784,)))</c>, <c>model.add(layers.Dense(512))</c></item>
/// <item>the functional API: <c>x = Input(shape=(28, 28, 1))</c>, <c>y = Conv2D(50, (3, 3))(x)</c>, <c>Model(inputs=x, outputs=y)</c>,
/// including branches and <c>Add()([a, b])</c></item>
/// <item>integer, float and string constants the layers name (<c>hidden_units = 3</c>, then <c>SimpleRNN(hidden_units)</c>).</item>
/// </list>
/// Everything else (imports, def/class lines, docstrings, compile, summary, fit, print) is skipped.
/// Nothing is executed: statements are read with the layer-string grammar, which holds literals only.
/// </summary>
public static class KerasCodeReader
{
    /// <summary>Longest code accepted (characters).</summary>
    public const int MaxLength = 1024 * 1024;

    private static readonly Regex NotebookPrompt = new(@"^\s*(In|Out)\s*\[\s*\d*\s*\]\s*:\s*$", RegexOptions.CultureInvariant);

    private static readonly string[] SkippedKeywords =
    [
        "def", "class", "return", "import", "from", "if", "elif", "else", "for", "while", "with", "try", "except",
        "finally", "pass", "assert", "raise", "global", "nonlocal", "del", "async", "await", "yield", "print", "@",
    ];

    /// <summary>
    /// The models the code builds, in order. <paramref name="name"/> names the model when the code builds
    /// exactly one (and overrides its <c>name=</c>); <paramref name="inputShape"/> supplies an input shape the
    /// code leaves out or writes with names it cannot evaluate (<c>Input(shape=(kernel_height, kernel_width, 1))</c>).
    /// </summary>
    public static IReadOnlyList<ModelSpec> Read(string code, string? sourceName = null, string? name = null, int[]? inputShape = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        string source = sourceName ?? "Keras code";
        if (code.Length > MaxLength)
            throw new ModelCostException(ErrorIds.SpecTooLarge, ModelCostErrorCategory.LimitsExceeded,
                $"{source}: the code has {code.Length} characters; the limit is {MaxLength}.", sourceName) { File = sourceName };
        var state = new State(code, source, sourceName);
        foreach (var (start, end) in PythonStatements.Split(code))
        {
            if (Skipped(code, start, end)) continue;
            var statement = LayerSpecParser.ParseStatement(code, start, end, state.Constants, source);
            if (statement is not null) state.Apply(statement);
        }
        return state.Finish(name, inputShape);
    }

    private static bool Skipped(string code, int start, int end)
    {
        int i = start;
        while (i < end && char.IsWhiteSpace(code[i])) i++;
        if (i >= end) return true;
        if (code[i] is '"' or '\'' || (i + 1 < end && code[i] is 'r' or 'f' or 'b' or 'u' && code[i + 1] is '"' or '\'')) return true; // docstring
        var line = code[i..end];
        if (NotebookPrompt.IsMatch(line)) return true;
        if (line[0] == '@') return true;
        int w = 0;
        while (w < line.Length && (char.IsAsciiLetterOrDigit(line[w]) || line[w] == '_')) w++;
        return w > 0 && Array.IndexOf(SkippedKeywords, line[..w]) >= 0;
    }

    /// <summary>A model being built: its layers, where each came from, and the variables that name its tensors.</summary>
    private sealed class Builder(int position, string? variable, bool functional)
    {
        public int Position { get; } = position;
        public string? Variable { get; set; } = variable;
        public bool Functional { get; } = functional;
        public string? Name { get; set; }
        public InputShapeText? Shape { get; set; }
        public int ShapePosition { get; set; }
        public bool Closed { get; set; }
        public bool TokenInput { get; set; }
        public List<LayerSpec> Layers { get; } = [];
        public List<int[]?> Inputs { get; } = [];  // producer indices (-1 = model input); null = the previous layer
        public List<int> Positions { get; } = [];
        public Dictionary<string, int> Tensors { get; } = new(StringComparer.Ordinal); // variable → producer index (-1 = input)
    }

    private sealed class State(string code, string source, string? file)
    {
        private readonly List<Builder> _models = [];

        public Dictionary<string, object?> Constants { get; } = new(StringComparer.Ordinal);

        public void Apply(KerasStatement statement)
        {
            switch (statement)
            {
                case ConstantStatement c:
                    Constants[c.Name] = c.Value;
                    break;
                case SequentialStatement s:
                {
                    var b = new Builder(s.Position, s.AssignedTo, functional: false) { Name = s.Name };
                    _models.Add(b);
                    foreach (var item in s.Items) AddSequential(b, item);
                    break;
                }
                case ModelStatement m:
                    CloseFunctional(m);
                    break;
                case LayerStatement { Item: var item }:
                    if (item.AddedTo is { } receiver)
                    {
                        var b = _models.LastOrDefault(x => !x.Functional && x.Variable == receiver)
                            ?? throw Error(ErrorIds.InvalidLayerOption, item.Position, null,
                                $"{receiver}.add(...) adds to '{receiver}', but no Sequential model was assigned to '{receiver}' before (write {receiver} = keras.Sequential() first).");
                        AddSequential(b, item);
                    }
                    else if (item.Layer is null)
                    {
                        // x = keras.Input(shape=...): a new functional model starts.
                        if (item.AssignedTo is null)
                            throw Error(ErrorIds.InvalidLayerOption, item.Position, null, $"{item.CallName}(...) must be assigned to a variable (x = {item.CallName}(...)) so that layers can be applied to it.");
                        var b = new Builder(item.Position, null, functional: true) { Shape = item.InputShape, ShapePosition = item.Position, TokenInput = item.TokenInput };
                        b.Tensors[item.AssignedTo] = -1;
                        _models.Add(b);
                    }
                    else if (item.AppliedTo is { } refs) AddFunctional(item, refs);
                    else
                        throw Error(ErrorIds.InvalidLayerOption, item.Position, null,
                            item.AssignedTo is null
                                ? $"{item.CallName}(...) is neither added to a model (model.add(...)) nor applied to an input ({item.CallName}(...)(x)); the reader cannot tell where it belongs."
                                : $"{item.CallName}(...) is assigned to '{item.AssignedTo}' without being applied to an input; write {item.AssignedTo} = {item.CallName}(...)(x), or add it with model.add(...).");
                    break;
            }
        }

        private void AddSequential(Builder b, KerasItem item)
        {
            if (item.Layer is null)
            {
                if (b.Layers.Count > 0 || b.Shape is not null)
                    throw Error(ErrorIds.InvalidInputShape, item.Position, "shape", $"{item.CallName}(...) gives the model input, so it must come first, before every layer.");
                b.Shape = item.InputShape;
                b.ShapePosition = item.Position;
                b.TokenInput = item.TokenInput;
                return;
            }
            if (item.InputShape is not null)
            {
                if (b.Layers.Count > 0)
                    throw Error(ErrorIds.InvalidInputShape, item.Position, item.InputShape.Option, "input_shape is only meaningful on the first layer.");
                if (b.Shape is not null)
                    throw Error(ErrorIds.InvalidInputShape, item.Position, item.InputShape.Option, "the model input is given twice (an input layer and input_shape).");
                b.Shape = item.InputShape;
                b.ShapePosition = item.Position;
                b.TokenInput = item.TokenInput;
            }
            b.Layers.Add(item.Layer);
            b.Inputs.Add(null);
            b.Positions.Add(item.Position);
        }

        private void AddFunctional(KerasItem item, string[] refs)
        {
            Builder? owner = null;
            var producers = new int[refs.Length];
            for (int k = 0; k < refs.Length; k++)
            {
                var b = _models.LastOrDefault(x => x.Functional && !x.Closed && x.Tensors.ContainsKey(refs[k]))
                    ?? throw Error(ErrorIds.DanglingLayerInput, item.Position, "inputs",
                        $"{item.CallName}(...) is applied to '{refs[k]}', which no earlier Input(...) or layer call assigned.");
                if (owner is not null && owner != b)
                    throw Error(ErrorIds.DanglingLayerInput, item.Position, "inputs", $"{item.CallName}(...) joins tensors of two different models.");
                owner = b;
                producers[k] = b.Tensors[refs[k]];
            }
            if (item.InputShape is not null)
                throw Error(ErrorIds.InvalidInputShape, item.Position, item.InputShape.Option, "in the functional API the input shape belongs to Input(shape=...), not to a layer.");
            var model = owner!;
            int index = model.Layers.Count;
            bool follows = producers.Length == 1 && producers[0] == index - 1;
            model.Layers.Add(item.Layer!);
            model.Inputs.Add(follows ? null : producers);
            model.Positions.Add(item.Position);
            if (item.AssignedTo is { } v) model.Tensors[v] = index;
        }

        private void CloseFunctional(ModelStatement m)
        {
            var b = _models.LastOrDefault(x => x.Functional && !x.Closed && m.Inputs.Concat(m.Outputs).All(x.Tensors.ContainsKey))
                ?? throw Error(ErrorIds.DanglingLayerInput, m.Position, "inputs",
                    $"Model(inputs={string.Join(", ", m.Inputs)}, outputs={string.Join(", ", m.Outputs)}) names tensors no Input(...) or layer call assigned.");
            if (m.Inputs.Length != 1 || b.Tensors[m.Inputs[0]] != -1)
                throw Error(ErrorIds.InvalidLayerOption, m.Position, "inputs", "only models with one Input(...) can be read.");
            if (m.Outputs.Length != 1)
                throw Error(ErrorIds.InvalidLayerOption, m.Position, "outputs", "only models with one output can be read.");
            if (b.Tensors[m.Outputs[0]] != b.Layers.Count - 1)
                throw Error(ErrorIds.InvalidLayerOption, m.Position, "outputs",
                    $"the output '{m.Outputs[0]}' is not the last layer applied; layers after it would not belong to the model.");
            b.Closed = true;
            b.Variable = m.AssignedTo;
            b.Name = m.Name;
        }

        public IReadOnlyList<ModelSpec> Finish(string? nameOverride, int[]? shapeOverride)
        {
            var models = _models.Where(b => b.Layers.Count > 0 || !b.Functional).ToList();
            if (models.Count == 0)
                throw new ModelCostException(ErrorIds.EmptyModel, ModelCostErrorCategory.InvalidArgument,
                    $"{source}: the code builds no model; expected keras.Sequential([...]), model.add(...) or functional layer calls.", file) { File = file };
            if (nameOverride is not null && models.Count > 1)
                throw new ModelCostException(ErrorIds.InvalidLayerOption, ModelCostErrorCategory.InvalidArgument,
                    $"{source}: the code builds {models.Count} models, so one name cannot name them; leave the name out (the code's name= is used) or paste one model.", nameOverride)
                { File = file, Option = "Name" };
            var result = new List<ModelSpec>(models.Count);
            int sequentials = 0, functionals = 0;
            foreach (var b in models)
            {
                // Keras' automatic model names: sequential, sequential_1, ...; functional, functional_1, ...
                string auto = b.Functional ? Numbered("functional", functionals++) : Numbered("sequential", sequentials++);
                string modelName = nameOverride ?? b.Name ?? auto;
                if (b.Layers.Count == 0)
                    throw Error(ErrorIds.EmptyModel, b.Position, null, $"model '{modelName}' has no layers.");
                int[] shape;
                if (b.Shape is null)
                    shape = shapeOverride ?? throw Error(ErrorIds.InvalidInputShape, b.Position, "InputShape",
                        $"model '{modelName}' gives no input shape (no input_shape= on its first layer and no Input/InputLayer); give the input shape.");
                else
                {
                    try { shape = LayerSpecFactory.MergeShape(modelName, shapeOverride, b.Shape, modelName); }
                    catch (ModelCostException ex) { throw Error(ex.ErrorId, b.ShapePosition, ex.Option, ex.Message); }
                }
                var names = ShapeInference.AssignNames(b.Layers);
                var layers = new List<LayerSpec>(b.Layers.Count);
                for (int i = 0; i < b.Layers.Count; i++)
                {
                    var l = b.Layers[i];
                    layers.Add(b.Inputs[i] is { } inputs ? l.WithInputs(inputs.Select(p => p < 0 ? ShapeInference.InputName : names[p]).ToArray()) : l);
                }
                var spec = new ModelSpec { Name = modelName, InputShape = shape, Layers = layers, InputDtype = b.TokenInput ? InputDtypes.Int32 : null };
                try { ShapeInference.Resolve(spec); }
                catch (ModelCostException ex) when (ex.LayerIndex is int li && li >= 0 && li < b.Positions.Count)
                {
                    throw Error(ex.ErrorId, b.Positions[li], ex.Option, $"model '{modelName}': {ex.Message}", li, ex.LayerName);
                }
                catch (ModelCostException ex)
                {
                    throw Error(ex.ErrorId, b.Position, ex.Option, $"model '{modelName}': {ex.Message}");
                }
                result.Add(spec);
            }
            return result;
        }

        private static string Numbered(string prefix, int n) => n == 0 ? prefix : prefix + "_" + n.ToString(CultureInfo.InvariantCulture);

        private ModelCostException Error(string id, int pos, string? option, string reason, int? layerIndex = null, string? layerName = null)
        {
            int line = 1, lineStart = 0;
            for (int i = 0; i < pos && i < code.Length; i++)
                if (code[i] == '\n') { line++; lineStart = i + 1; }
            int col = pos - lineStart + 1;
            return new ModelCostException(id, ModelCostErrorCategory.InvalidArgument, $"{source}:{line}:{col}: {reason}", file ?? source)
            { File = file, Line = line, Column = col, Option = option, LayerIndex = layerIndex, LayerName = layerName };
        }
    }
}
