using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Engines;

/// <summary>
/// Reads the engine-specific settings of <see cref="EngineRunOptions.EngineOptions"/> for one engine:
/// a name the engine does not know, or a value of the wrong kind, is an InvalidEngineOption error
/// naming the option, the value and what the engine accepts.
/// </summary>
public sealed class EngineOptionValues
{
    private readonly string _engine;
    private readonly IReadOnlyDictionary<string, object?> _values;

    /// <summary>Checks that every given name is one of <paramref name="known"/> (case-insensitive).</summary>
    public EngineOptionValues(string engine, IReadOnlyDictionary<string, object?>? values, params string[] known)
    {
        _engine = engine;
        _values = values ?? new Dictionary<string, object?>();
        foreach (var name in _values.Keys)
        {
            if (known.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var accepted = known.Length == 0 ? "it takes no engine-specific options" : "it knows " + string.Join(", ", known);
            throw new ModelCostException(ErrorIds.InvalidEngineOption, ModelCostErrorCategory.InvalidArgument,
                $"The {engine} engine has no option '{name}': {accepted}.", name) { Option = name };
        }
    }

    /// <summary>The value of <paramref name="name"/>, or null when it was not given.</summary>
    public object? Get(string name)
    {
        foreach (var (key, value) in _values)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    public string? GetString(string name) => Get(name) switch
    {
        null => null,
        string s => s,
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="defaultValue"/>.</summary>
    public int GetInt32(string name, int defaultValue, int min, int max)
    {
        var raw = Get(name);
        if (raw is null) return defaultValue;
        int value;
        try
        {
            value = raw is string s ? int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : Convert.ToInt32(raw, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw Invalid(name, raw, $"must be a whole number between {min} and {max}", ex);
        }
        if (value < min || value > max) throw Invalid(name, raw, $"must be between {min} and {max}", null);
        return value;
    }

    public bool GetBoolean(string name, bool defaultValue)
    {
        var raw = Get(name);
        return raw switch
        {
            null => defaultValue,
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            _ => throw Invalid(name, raw, "must be true or false", null),
        };
    }

    private ModelCostException Invalid(string name, object raw, string rule, Exception? inner) =>
        new(ErrorIds.InvalidEngineOption, ModelCostErrorCategory.InvalidArgument,
            string.Format(CultureInfo.InvariantCulture, "The {0} engine's option '{1}' {2}, not '{3}'.", _engine, name, rule, raw), raw, inner) { Option = name };
}
