using System.Management.Automation;

namespace ModelCost.PS.Validation;

/// <summary>
/// ValidateSet over a computed list (<see cref="INameSet"/>): the same binding-time check, case-insensitive,
/// and the same error (ParameterArgumentValidationError). PowerShell 7's ValidateSet(Type) would do this,
/// but the module compiles against PowerShell Standard, which lacks it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateNameSetAttribute : ValidateEnumeratedArgumentsAttribute
{
    public ValidateNameSetAttribute(Type nameSetType)
    {
        if (!typeof(INameSet).IsAssignableFrom(nameSetType))
            throw new ArgumentException($"{nameSetType.FullName} does not implement {nameof(INameSet)}.", nameof(nameSetType));
        NameSetType = nameSetType;
    }

    public Type NameSetType { get; }

    /// <summary>The accepted values, as the help and the error message list them.</summary>
    public IReadOnlyList<string> ValidValues => ((INameSet)Activator.CreateInstance(NameSetType)!).Names;

    protected override void ValidateElement(object element)
    {
        var value = Infrastructure.PSObjectUnwrapper.BaseObject(element)?.ToString();
        var names = ValidValues;
        if (value is not null && names.Contains(value, StringComparer.OrdinalIgnoreCase)) return;
        throw new ValidationMetadataException(
            $"The argument \"{value}\" does not belong to the set \"{string.Join(",", names)}\" specified by the ValidateNameSet attribute. "
            + "Supply an argument that is in the set and then try the command again.");
    }
}
