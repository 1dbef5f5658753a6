using System.Collections;
using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// Puts loosely typed option values (what a layer string or a PowerShell hashtable holds: integers,
/// floats, strings, booleans, null, lists) into a <see cref="LayerSpecBuilder"/>, checking each type.
/// Shared by <see cref="LayerSpecParser"/> and <see cref="LayerSpecFactory"/> so both accept the same things.
/// </summary>
internal static class LayerOptionValues
{
    /// <summary>Builds the error for a bad value: (error id, option, reason).</summary>
    public delegate ModelCostException Fail(string errorId, string option, string reason);

    public static void Apply(LayerSpecBuilder b, string key, object? value, Fail fail)
    {
        string type = b.Type;
        switch (key)
        {
            case LayerOptions.Name: b.Name = Str(value, key, fail); break;
            case LayerOptions.Inputs: b.Inputs = value is null ? null : IsList(value) ? Items(value).Select(v => Str(v, key, fail) ?? throw fail(ErrorIds.InvalidLayerOption, key, "an input name must not be None.")).ToArray() : [Str(value, key, fail)!]; break;
            case LayerOptions.Units: b.Units = Int(value, key, fail); break;
            case LayerOptions.Filters: b.Filters = Int(value, key, fail); break;
            case LayerOptions.DepthMultiplier: b.DepthMultiplier = Int(value, key, fail); break;
            case LayerOptions.Axis: b.Axis = Int(value, key, fail); break;
            case LayerOptions.KernelSize: b.KernelSize = Ints(value, key, fail); break;
            case LayerOptions.Strides: b.Strides = Ints(value, key, fail); break;
            case LayerOptions.PoolSize: b.PoolSize = Ints(value, key, fail); break;
            case LayerOptions.Dims: b.Dims = Ints(value, key, fail); break;
            case LayerOptions.Padding:
                if (type == LayerTypes.ZeroPadding2D) b.ZeroPadding = ZeroPad(value, key, fail);
                else b.Padding = LayerSpecBuilder.NormalizePadding(Str(value, key, fail));
                break;
            case LayerOptions.Activation: b.Activation = LayerSpecBuilder.NormalizeActivation(Str(value, key, fail)); break;
            case LayerOptions.RecurrentActivation: b.RecurrentActivation = LayerSpecBuilder.NormalizeActivation(Str(value, key, fail)); break;
            case LayerOptions.UseBias: b.UseBias = Bool(value, key, fail); break;
            case LayerOptions.ReturnSequences: b.ReturnSequences = Bool(value, key, fail); break;
            case LayerOptions.ResetAfter: b.ResetAfter = Bool(value, key, fail); break;
            case LayerOptions.RecurrentBias: b.RecurrentBias = Bool(value, key, fail); break;
            case LayerOptions.Rate: b.Rate = Dbl(value, key, fail); break;
            case LayerOptions.Epsilon: b.Epsilon = Dbl(value, key, fail); break;
            case LayerOptions.Momentum: b.Momentum = Dbl(value, key, fail); break;
            case LayerOptions.InputDim: b.InputDim = Int(value, key, fail); break;
            case LayerOptions.OutputDim: b.OutputDim = Int(value, key, fail); break;
            case LayerOptions.ConstantId: b.ConstantId = Int(value, key, fail); break;
            case LayerOptions.SequenceLength: b.SequenceLength = Int(value, key, fail); break;
            case LayerOptions.NumHeads: b.NumHeads = Int(value, key, fail); break;
            case LayerOptions.KeyDim: b.KeyDim = Int(value, key, fail); break;
            case LayerOptions.ValueDim: b.ValueDim = Int(value, key, fail); break;
            case LayerOptions.IntermediateDim: b.IntermediateDim = Int(value, key, fail); break;
            case LayerOptions.Dropout: b.Dropout = Dbl(value, key, fail); break;
            case LayerOptions.LayerNormEpsilon: b.LayerNormEpsilon = Dbl(value, key, fail); break;
            case LayerOptions.UseCausalMask: b.UseCausalMask = Bool(value, key, fail); break;
            case LayerOptions.NormalizeFirst: b.NormalizeFirst = Bool(value, key, fail); break;
            case LayerOptions.TargetShape: b.TargetShape = Ints(value, key, fail); break;
            case LayerOptions.Cropping: b.Cropping = Ints(value, key, fail); break;
            case LayerOptions.NegativeSlope: b.NegativeSlope = Dbl(value, key, fail); break;
            case var r when LayerOptions.IsRegularizer(r): b.SetRegularizer(r, RegularizerValues.From(value, key, fail)); break;
            default: throw fail(ErrorIds.UnknownLayerOption, key, $"unknown option '{key}'.");
        }
    }

    /// <summary>A shape such as input_shape=(28, 28, 1): a non-empty list of integers.</summary>
    public static int[] Shape(object? value, string key, Fail fail)
    {
        if (value is null || !IsList(value)) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be a tuple of integers such as (28, 28, 1), not {Show(value)}.");
        var a = Items(value).Select(v => Int(v, key, fail) ?? throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must not contain None (the batch dimension is left out).")).ToArray();
        if (a.Length == 0) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must not be empty.");
        return a;
    }

    public static bool IsList(object? v) => v is IList;

    public static IEnumerable<object?> Items(object v) => ((IList)v).Cast<object?>();

    private static string? Str(object? v, string key, Fail fail) => v switch
    {
        null => null,
        string s => s,
        _ => throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be a string, not {Show(v)}."),
    };

    private static bool? Bool(object? v, string key, Fail fail) => v switch
    {
        null => null,
        bool b => b,
        _ => throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be True or False, not {Show(v)}."),
    };

    private static int? Int(object? v, string key, Fail fail)
    {
        if (v is null) return null;
        long? l = v switch
        {
            int i => i, long x => x, short x => x, byte x => x, sbyte x => x, ushort x => x, uint x => x,
            ulong x => x > long.MaxValue ? long.MaxValue : (long)x,
            System.Numerics.BigInteger bi => bi > long.MaxValue ? long.MaxValue : bi < long.MinValue ? long.MinValue : (long)bi,
            _ => null,
        };
        if (l is null) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be an integer, not {Show(v)}.");
        if (l > int.MaxValue || l < int.MinValue)
            throw fail(ErrorIds.InvalidLayerOption, key, $"{key} value {Show(v)} is beyond the supported integer range ({int.MinValue} to {int.MaxValue}).");
        return (int)l.Value;
    }

    private static int[]? Ints(object? v, string key, Fail fail)
    {
        if (v is null) return null;
        if (!IsList(v)) return [Int(v, key, fail)!.Value];
        var a = Items(v).Select(x => Int(x, key, fail) ?? throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must not contain None.")).ToArray();
        if (a.Length == 0) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must not be an empty tuple.");
        return a;
    }

    private static double? Dbl(object? v, string key, Fail fail) => v switch
    {
        null => null,
        double d => d, float f => f, decimal m => (double)m,
        int or long or short or byte or sbyte or ushort or uint => Convert.ToDouble(v, CultureInfo.InvariantCulture),
        _ => throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be a number, not {Show(v)}."),
    };

    private static int[]? ZeroPad(object? v, string key, Fail fail)
    {
        if (v is null) return null;
        if (!IsList(v)) return [Int(v, key, fail)!.Value];
        var items = Items(v).ToArray();
        if (items.Length == 2 && items.All(IsList))
        {
            var r = Ints(items[0], key, fail)!; var c = Ints(items[1], key, fail)!;
            if (r.Length == 2 && c.Length == 2) return [r[0], r[1], c[0], c[1]];
            throw fail(ErrorIds.InvalidLayerOption, key, "ZeroPadding2D padding must be an int, (rows, cols) or ((top, bottom), (left, right)).");
        }
        return Ints(v, key, fail);
    }

    /// <summary>A short description of a value for messages (never the whole of a huge input).</summary>
    public static string Show(object? v)
    {
        string s = v switch
        {
            null => "None",
            string str => $"'{str}'",
            bool b => b ? "True" : "False",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            CallValue c => c.ToString(),
            IList l => "(" + string.Join(", ", l.Cast<object?>().Take(8).Select(Show)) + (l.Count > 8 ? ", …" : "") + ")",
            _ => v.GetType().Name,
        };
        return s.Length <= 60 ? s : s[..60] + "…";
    }
}
