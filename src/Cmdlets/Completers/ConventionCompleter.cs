using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ModelCost.Core.Costing;

namespace ModelCost.PS.Completers;

/// <summary>Tab completion for -Convention: the built-in convention names (a rules YAML path is also accepted).</summary>
public sealed class ConventionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var name in CostConvention.BuiltInNames)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var tip = CostConvention.TryGetBuiltIn(name, out var convention) ? convention.Description : name;
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, string.IsNullOrEmpty(tip) ? name : tip);
        }
    }
}
