namespace ModelCost.PS.Validation;

/// <summary>
/// The values a string parameter accepts, computed rather than written out: an enum's names, the
/// engine catalogue's names. <see cref="ValidateNameSetAttribute"/> checks against it at binding time and
/// <see cref="NameSetCompleter{TSet}"/> offers it to Tab; implementations have a parameterless constructor.
/// </summary>
public interface INameSet
{
    IReadOnlyList<string> Names { get; }
}
