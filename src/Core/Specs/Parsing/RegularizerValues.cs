using System.Collections;
using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// Reads a Keras regularizer however a front end holds it: a call (<c>l2(0.001)</c>, <c>L1L2(l1=.., l2=..)</c>,
/// from layer strings and pasted code), a string (<c>'l2'</c>, or <c>'l2(0.001)'</c> in a hashtable or YAML), or
/// a mapping <c>{l1: .., l2: ..}</c> (YAML, hashtables, our own YAML output). Keras' defaults: <c>l1()</c>/<c>l2()</c>
/// and the strings 'l1'/'l2' mean 0.01; the <c>L1L2</c> class defaults both to 0. <c>l1_l2()</c> without
/// arguments means 0.01 each in Keras 2 but 0 in Keras 3, so it must name its factors.
/// </summary>
internal static class RegularizerValues
{
    private static readonly string[] Constructors = ["l1", "l2", "l1_l2", "L1", "L2", "L1L2"];

    /// <summary>True for the names (last dotted segment) of Keras regularizer constructors.</summary>
    public static bool IsConstructor(string name) => Array.IndexOf(Constructors, name) >= 0;

    public static Regularizer? From(object? value, string key, LayerOptionValues.Fail fail)
    {
        switch (value)
        {
            case null: return null;
            case CallValue call: return FromCall(call, key, fail);
            case string s:
            {
                var t = s.Trim();
                if (t.Equals("l1", StringComparison.OrdinalIgnoreCase)) return new Regularizer { L1 = Regularizer.KerasDefault };
                if (t.Equals("l2", StringComparison.OrdinalIgnoreCase)) return new Regularizer { L2 = Regularizer.KerasDefault };
                if (t.Equals("l1_l2", StringComparison.OrdinalIgnoreCase) || t.Equals("l1l2", StringComparison.OrdinalIgnoreCase))
                    throw fail(ErrorIds.InvalidLayerOption, key, $"'{t}' means l1=l2=0.01 in Keras 2 but 0 in Keras 3; write l1_l2(l1=0.01, l2=0.01).");
                if (t.Contains('('))
                    return From(LayerSpecParser.ParseOptionValue(t, key), key, fail);
                throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be l1(..), l2(..), l1_l2(l1=.., l2=..) or None, not '{Clip(t)}'.");
            }
            case IDictionary d:
            {
                double l1 = 0, l2 = 0;
                if (d.Count == 0) throw fail(ErrorIds.InvalidLayerOption, key, $"{key} needs l1 and/or l2, e.g. {{l2: 0.001}}.");
                foreach (DictionaryEntry e in d)
                {
                    var k = (e.Key as string ?? "").Trim().ToLowerInvariant();
                    if (k == "l1") l1 = Factor(e.Value, key, "l1", fail);
                    else if (k == "l2") l2 = Factor(e.Value, key, "l2", fail);
                    else throw fail(ErrorIds.InvalidLayerOption, key, $"{key} takes the keys l1 and l2, not '{Clip(e.Key?.ToString() ?? "")}'.");
                }
                return new Regularizer { L1 = l1, L2 = l2 };
            }
            default:
                throw fail(ErrorIds.InvalidLayerOption, key, $"{key} must be l1(..), l2(..), l1_l2(l1=.., l2=..) or None, not {LayerOptionValues.Show(value)}.");
        }
    }

    private static Regularizer FromCall(CallValue call, string key, LayerOptionValues.Fail fail)
    {
        string f = call.Function;
        if (!IsConstructor(f))
            throw fail(ErrorIds.InvalidLayerOption, key, $"'{f}' is not a Keras regularizer; use l1, l2 or l1_l2.");
        string[] names = f.ToLowerInvariant() switch { "l1" => ["l1"], "l2" => ["l2"], _ => ["l1", "l2"] };
        if (call.Args.Length > names.Length)
            throw fail(ErrorIds.InvalidLayerOption, key, $"{f}() takes at most {names.Length} positional argument(s) ({string.Join(", ", names)}).");
        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < call.Args.Length; i++) given[names[i]] = Factor(call.Args[i], key, names[i], fail);
        foreach (var (k, v) in call.Kwargs)
        {
            if (Array.IndexOf(names, k) < 0)
                throw fail(ErrorIds.InvalidLayerOption, key, $"{f}() takes {string.Join(" and ", names)}, not '{k}'.");
            if (!given.TryAdd(k, Factor(v, key, k, fail)))
                throw fail(ErrorIds.InvalidLayerOption, key, $"{f}(): '{k}' is given more than once.");
        }
        double Get(string n, double fallback) => given.TryGetValue(n, out var v) ? v : fallback;
        return f switch
        {
            "l1" or "L1" => new Regularizer { L1 = Get("l1", Regularizer.KerasDefault) },
            "l2" or "L2" => new Regularizer { L2 = Get("l2", Regularizer.KerasDefault) },
            "L1L2" => new Regularizer { L1 = Get("l1", 0), L2 = Get("l2", 0) },
            _ => given.Count == 2 ? new Regularizer { L1 = given["l1"], L2 = given["l2"] }
                : throw fail(ErrorIds.InvalidLayerOption, key,
                    "l1_l2() must name both factors (its defaults are 0.01 in Keras 2 but 0 in Keras 3): write l1_l2(l1=0.01, l2=0.01)."),
        };
    }

    private static double Factor(object? v, string key, string which, LayerOptionValues.Fail fail)
    {
        double d = v switch
        {
            double x => x, float x => x, decimal x => (double)x,
            long or int or short or byte => Convert.ToDouble(v, CultureInfo.InvariantCulture),
            _ => throw fail(ErrorIds.InvalidLayerOption, key, $"{key}: {which} must be a number, not {LayerOptionValues.Show(v)}."),
        };
        if (!(d >= 0) || double.IsInfinity(d))
            throw fail(ErrorIds.InvalidLayerOption, key, $"{key}: {which} must be a non-negative finite number, not {d.ToString("R", CultureInfo.InvariantCulture)}.");
        return d;
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
