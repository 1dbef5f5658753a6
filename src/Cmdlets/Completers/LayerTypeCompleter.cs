using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ModelCost.Core.Specs;

namespace ModelCost.PS.Completers;

/// <summary>Tab completion for New-ModelSpec -Layer: layer types as Keras strings ('Dense()', 'Conv2D()', ...), with the options each takes.</summary>
public sealed class LayerTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var type in LayerTypes.All)
            if (type.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult($"'{type}()'", type, CompletionResultType.ParameterValue, LayerTypes.Describe(type));
    }
}
