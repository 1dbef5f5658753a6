using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ModelCost.PS.Validation;

/// <summary>Tab completion for a parameter validated by <see cref="ValidateNameSetAttribute"/> over <typeparamref name="TSet"/>.</summary>
public sealed class NameSetCompleter<TSet> : IArgumentCompleter where TSet : INameSet, new()
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var name in new TSet().Names)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
    }
}
