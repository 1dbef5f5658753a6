using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ModelCost.Core.Reporting;

namespace ModelCost.PS.Completers;

/// <summary>Tab completion for -Property of the compare/chart/report cmdlets: the figures a comparison knows.</summary>
public sealed class ComparisonPropertyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var name in ModelComparison.PropertyNames)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
    }
}
