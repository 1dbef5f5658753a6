using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Reporting;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Inputs;

/// <summary>
/// Our outputs after a trip through Start-Job, Import-Clixml, ConvertFrom-Json or Import-Csv: property bags
/// ([pscustomobject]) that carry the figures but not the type. Cost rows (CostSummary, LayerCost) and specs are
/// rebuilt from their properties (invariant-culture numbers, enum names or values); a trained model is refused,
/// because no serializer carries its weights.
/// </summary>
internal static class DeserializedObjects
{
    private const string Prefix = "Deserialized.";

    /// <summary>What a property bag stands for, by its Deserialized.* type name or, without one (JSON, CSV), by its properties.</summary>
    internal enum Kind { None, CostSummary, LayerCost, ModelSpec, TrainingResult, TrainedModel, ComparisonRow, DatasetInfo }

    /// <summary>True for a [pscustomobject]: a deserialized copy, a JSON or CSV row, or Select-Object's output.</summary>
    public static bool IsPropertyBag(object? value) => value is PSObject { BaseObject: PSCustomObject };

    /// <summary>
    /// The typed object a pipeline item stands for: typed objects unwrapped; cost rows and specs rebuilt from a
    /// property bag; a copy of a trained model refused (<see cref="CmdletErrorIds.DeserializedTrainedModel"/>).
    /// Other property bags are returned as they are, for the caller to refuse.
    /// </summary>
    public static object? Rebuild(object? item)
    {
        if (!IsPropertyBag(item)) return PSObjectUnwrapper.BaseObject(item);
        var bag = (PSObject)item!;
        return KindOf(bag) switch
        {
            Kind.CostSummary => FlatRow<CostSummary>(bag),
            Kind.LayerCost => FlatRow<LayerCost>(bag),
            Kind.ModelSpec => Spec(bag),
            Kind.ComparisonRow => Comparison(bag),
            Kind.TrainingResult or Kind.TrainedModel => throw NoWeights(bag),
            _ => bag,
        };
    }

    /// <summary>
    /// <see cref="Rebuild"/> for commands that collect rows (Compare-ModelCost, Export-ModelReport, Export-ModelCostChart):
    /// a property bag that is none of our objects is refused here, naming what it holds, rather than as "PSCustomObject".
    /// </summary>
    public static object? RebuildRow(object? item)
    {
        var rebuilt = Rebuild(item);
        return rebuilt is PSObject bag && IsPropertyBag(bag)
            ? throw new ModelCostException(CmdletErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                $"{Describe(bag)} is none of the objects this command takes: a CostSummary (Measure-ModelCost), a LayerCost (-PerLayer), a spec, "
                + "a TrainingResult or a comparison row, or their copies from Import-Csv, ConvertFrom-Json, Import-Clixml or a job with all their properties.", bag)
            : rebuilt;
    }

    public static Kind KindOf(PSObject bag)
    {
        foreach (var name in bag.TypeNames)
        {
            if (!name.StartsWith(Prefix + "ModelCost.", StringComparison.Ordinal)) continue;
            var kind = name[(name.LastIndexOf('.') + 1)..] switch
            {
                nameof(CostSummary) => Kind.CostSummary,
                nameof(LayerCost) => Kind.LayerCost,
                nameof(ModelSpec) => Kind.ModelSpec,
                "TrainingResult" => Kind.TrainingResult,
                "TrainedModel" => Kind.TrainedModel,
                nameof(ComparisonRow) => Kind.ComparisonRow,
                "DatasetInfo" => Kind.DatasetInfo,
                _ => Kind.None,
            };
            if (kind != Kind.None) return kind;
        }
        // JSON and CSV keep no type name: tell the kinds apart by the properties only each one has (a comparison row
        // also has a cost row's figures, so it goes first).
        if (Has(bag, "Model", "Baseline", "ParamsRatio", "AccuracyGainPts")) return Kind.ComparisonRow;
        if (Has(bag, "Model", "Convention", "Params", "InferenceFlops", "TrainingMemoryBytes")) return Kind.CostSummary;
        if (Has(bag, "Model", "Convention", "Index", "Type", "OutputShape", "Flops")) return Kind.LayerCost;
        if (Has(bag, "Name", "InputShape", "Layers")) return Kind.ModelSpec;
        if (Has(bag, "Model", "Dataset", "Engine", "TestAccuracy", "History")) return Kind.TrainingResult;
        if (Has(bag, "Spec", "Tensors")) return Kind.TrainedModel;
        if (Has(bag, "Name", "Location", "TrainCount", "TestCount", "ImageShape")) return Kind.DatasetInfo;
        return Kind.None;
    }

    /// <summary>
    /// The epochs of a copied TrainingResult as history rows: its History must hold epochs with their figures (a job and
    /// Import-Clixml keep them: the type data gives TrainingResult a serialization depth of 2; ConvertTo-Json's default depth
    /// keeps them too), not their text (Export-Csv writes the list's type name).
    /// </summary>
    public static IReadOnlyList<TrainingHistoryRow> History(PSObject bag)
    {
        const string Kind = "TrainingResult";
        string model = Value(bag, "Model")?.ToString() ?? throw Invalid(bag, Kind, "Model is missing");
        string dataset = Value(bag, "Dataset")?.ToString() ?? throw Invalid(bag, Kind, "Dataset is missing");
        if (Value(bag, "History") is not IEnumerable epochs || epochs is string)
            throw Invalid(bag, Kind, "History is not a list of epochs (Export-Csv writes only its type name: export Get-TrainingHistory's rows instead)");
        var rows = new List<TrainingHistoryRow>();
        foreach (var epoch in epochs)
        {
            if (epoch is not PSObject e || !IsPropertyBag(e))
                throw Invalid(bag, Kind, $"History holds the text '{PSObjectUnwrapper.BaseObject(epoch)}', not an epoch's figures (ConvertTo-Json needs -Depth 2 or more)");
            double Number(string name) => (double)Convert(Value(e, name), typeof(double), name, e, nameof(TrainingEpoch))!;
            rows.Add(new TrainingHistoryRow
            {
                Model = model, Dataset = dataset,
                Epoch = (int)Convert(Value(e, "Epoch"), typeof(int), "Epoch", e, nameof(TrainingEpoch))!,
                Loss = Number("Loss"), Accuracy = Number("Accuracy"), ValLoss = Number("ValLoss"), ValAccuracy = Number("ValAccuracy"),
                Seconds = Number("Seconds"),
            });
        }
        return rows;
    }

    /// <summary>
    /// The name and folder of a copied DatasetInfo (Get-ModelDataset's output handed to a job with $using:, or read back from
    /// Clixml or JSON), or null when <paramref name="item"/> is no such copy. Only where it was found is taken: the caller reads
    /// the dataset again from there rather than trusting the copied counts.
    /// </summary>
    public static (string Name, string Folder)? DatasetLocation(object? item) =>
        item is PSObject bag && IsPropertyBag(bag) && KindOf(bag) == Kind.DatasetInfo
            && Value(bag, "Name")?.ToString() is { Length: > 0 } name && Value(bag, "Location")?.ToString() is { Length: > 0 } folder
            ? (name, folder)
            : null;

    /// <summary>The refusal for a copy of a trained model: the weights stayed where the object was made.</summary>
    public static ModelCostException NoWeights(PSObject bag) =>
        new(CmdletErrorIds.DeserializedTrainedModel, ModelCostErrorCategory.InvalidArgument,
            $"{Describe(bag)} is a copy of a trained model, and a deserialized copy has no weights: export it inside the job "
            + "(Export-TrainedModel -Path model.safetensors) and import it here (Import-TrainedModel model.safetensors).", bag);

    /// <summary>A property bag named for errors: its original type when it has one, else its property names.</summary>
    public static string Describe(PSObject bag)
    {
        var typeName = bag.TypeNames.FirstOrDefault(n => n.StartsWith(Prefix, StringComparison.Ordinal));
        if (typeName is not null) return $"'{typeName}'";
        var names = bag.Properties.Select(p => p.Name).Take(8).ToArray();
        return $"a property bag ({string.Join(", ", names)}{(bag.Properties.Count() > names.Length ? ", …" : "")})";
    }

    private static bool Has(PSObject bag, params string[] names) => names.All(n => bag.Properties[n] is not null);

    /// <summary>A flat row rebuilt property by property; every settable property must be there (Export-Csv and ConvertTo-Json keep them all).</summary>
    private static T FlatRow<T>(PSObject bag) where T : class
    {
        var row = (T)Activator.CreateInstance(typeof(T))!;
        var missing = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null) continue;
            var given = bag.Properties[property.Name];
            if (given is null) { missing.Add(property.Name); continue; }
            property.SetValue(row, Convert(PSObjectUnwrapper.BaseObject(given.Value), property.PropertyType, property.Name, bag, typeof(T).Name));
        }
        if (missing.Count > 0)
            throw Invalid(bag, typeof(T).Name, $"it lacks {string.Join(", ", missing)} (Select-Object kept only some properties?): pass the whole rows");
        return row;
    }

    private static object? Convert(object? value, Type type, string name, PSObject bag, string kind)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null || value is string { Length: 0 })
        {
            if (target == typeof(string)) return value as string;
            if (target != type) return null;   // a nullable figure left empty
            throw Invalid(bag, kind, $"{name} is empty");
        }
        try
        {
            if (target == typeof(string)) return value.ToString();
            if (target.IsEnum)
            {
                var text = value.ToString()!;
                // Export-Csv writes enum names, ConvertTo-Json and Export-Clixml their numbers.
                if (Enum.TryParse(target, text, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed!)) return parsed;
                throw Invalid(bag, kind, $"{name} '{text}' is not one of {string.Join(", ", Enum.GetNames(target))}");
            }
            if (value is string s)
                return target == typeof(double) ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)
                    : target == typeof(bool) ? bool.Parse(s)
                    : System.Convert.ChangeType(long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), target, CultureInfo.InvariantCulture);
            if (target != typeof(double) && value is double or float or decimal && System.Convert.ToDouble(value, CultureInfo.InvariantCulture) % 1 != 0)
                throw new FormatException();
            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            throw Invalid(bag, kind, $"{name} '{System.Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a {(target == typeof(double) ? "number" : target == typeof(bool) ? "true/false value" : "whole number")} (numbers are read in the invariant culture)");
        }
    }

    /// <summary>A comparison row rebuilt from its figures and ratios; every one must be there (an empty one means "not measured").</summary>
    private static ComparisonRow Comparison(PSObject bag)
    {
        const string Kind = nameof(ComparisonRow);
        var missing = new List<string>();
        string Text(string name) => Value(bag, name)?.ToString() is { Length: > 0 } t ? t : throw Invalid(bag, Kind, $"{name} is missing");
        var row = ComparisonRow.Restore(Text("Model"), Text("Baseline"), Value(bag, "Convention")?.ToString() is { Length: > 0 } c ? c : null,
            Value(bag, "Dataset")?.ToString() is { Length: > 0 } d ? d : null,
            (name, type) =>
            {
                if (bag.Properties[name] is not { } property) { missing.Add(name); return null; }
                return Convert(PSObjectUnwrapper.BaseObject(property.Value), type, name, bag, Kind);
            });
        if (missing.Count > 0)
            throw Invalid(bag, Kind, $"it lacks {string.Join(", ", missing)} (Select-Object kept only some properties?): pass the whole rows");
        return row;
    }

    /// <summary>A spec rebuilt from its name, input shape and the options each layer carries, through the layer builder New-ModelSpec uses.</summary>
    private static ModelSpec Spec(PSObject bag)
    {
        var name = Value(bag, "Name") as string ?? throw Invalid(bag, nameof(ModelSpec), "Name is missing");
        if (Value(bag, "Layers") is not IEnumerable layers || layers is string)
            throw Invalid(bag, nameof(ModelSpec), "Layers is not a list of layers");
        var shape = Value(bag, "InputShape") is IEnumerable dims and not string
            ? dims.Cast<object?>().Select(d => System.Convert.ToInt32(PSObjectUnwrapper.BaseObject(d), CultureInfo.InvariantCulture)).ToArray()
            : throw Invalid(bag, nameof(ModelSpec), "InputShape is not a list of numbers");
        var layerOptions = new List<object>();
        foreach (var layer in layers)
        {
            if (PSObjectUnwrapper.BaseObject(layer) is string text)
                throw Invalid(bag, nameof(ModelSpec), $"a layer is the text '{text}', not its options (ConvertTo-Json needs -Depth 5 or more)");
            if (layer is not PSObject layerBag) throw Invalid(bag, nameof(ModelSpec), "a layer is not a set of options");
            var options = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (var property in layerBag.Properties)
            {
                if (!LayerOptionNames.Contains(property.Name)) continue;
                var v = PSObjectUnwrapper.BaseObject(property.Value);
                if (v is null || v is string { Length: 0 }) continue;
                options[property.Name] = property.Value;
            }
            layerOptions.Add(options);
        }
        var spec = LayerSpecFactory.Create(name, shape, layerOptions, PSObjectUnwrapper.Unwrap, Value(bag, "InputDtype") as string);
        return Value(bag, "Description") is string { Length: > 0 } description
            ? new ModelSpec { Name = spec.Name, InputShape = spec.InputShape, Layers = spec.Layers, InputDtype = spec.InputDtype, Description = description }
            : spec;
    }

    /// <summary>The options a LayerSpec carries (its settable properties); computed ones are left out.</summary>
    private static readonly HashSet<string> LayerOptionNames = typeof(LayerSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is not null).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static object? Value(PSObject bag, string name) => PSObjectUnwrapper.BaseObject(bag.Properties[name]?.Value);

    private static ModelCostException Invalid(PSObject bag, string kind, string why) =>
        new(CmdletErrorIds.DeserializedObjectInvalid, ModelCostErrorCategory.InvalidData,
            $"{Describe(bag)} looks like a {kind} but cannot be rebuilt: {why}.", bag);
}
