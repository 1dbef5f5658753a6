using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ModelCost.Core.Data;

namespace ModelCost.PS.Completers;

/// <summary>Tab completion for dataset names (FashionMNIST, MNIST).</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var name in DatasetCatalog.Names)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
    }
}
