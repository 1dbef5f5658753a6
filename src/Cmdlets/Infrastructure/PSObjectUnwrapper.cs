using System.Collections.Specialized;
using System.Management.Automation;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Strips PowerShell's wrappers so the core sees plain .NET values: a PSObject becomes its base
/// object, and a [pscustomobject] (from ConvertFrom-Json, Import-Csv, Select-Object) becomes an
/// ordered dictionary of its properties, so it can describe a layer just like a hashtable.
/// </summary>
internal static class PSObjectUnwrapper
{
    /// <summary>For the core's layer builders: PSObjects unwrapped, [pscustomobject] as a dictionary.</summary>
    public static readonly Func<object?, object?> Unwrap = UnwrapValue;

    /// <summary>The object a PSObject wraps, or the value itself.</summary>
    public static object? BaseObject(object? value) => value is PSObject pso ? pso.BaseObject : value;

    private static object? UnwrapValue(object? value)
    {
        if (value is not PSObject pso) return value;
        if (pso.BaseObject is PSCustomObject)
        {
            var dict = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (var property in pso.Properties)
                dict[property.Name] = property.Value;
            return dict;
        }
        return pso.BaseObject;
    }
}
