namespace ModelCost.PS.Validation;

/// <summary>The names of a core enum (a closed domain), so a ValidateSet is never a hand-kept copy of it.</summary>
public sealed class EnumNames<TEnum> : INameSet where TEnum : struct, Enum
{
    public IReadOnlyList<string> Names { get; } = Enum.GetNames<TEnum>();

    /// <summary>The enum value a validated parameter value names (case-insensitive; digits are never accepted).</summary>
    public static TEnum Parse(string value)
    {
        foreach (var name in Enum.GetNames<TEnum>())
            if (string.Equals(name, value?.Trim(), StringComparison.OrdinalIgnoreCase)) return Enum.Parse<TEnum>(name);
        throw new ArgumentException($"'{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.", nameof(value));
    }
}
