namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// A call written as an option value, e.g. <c>l2(0.001)</c> or <c>regularizers.l1_l2(l1=0.01, l2=0.01)</c>.
/// The layer-string grammar admits calls only of the regularizer constructors; nothing is evaluated,
/// the call is read as data (<see cref="RegularizerValues"/> turns it into a <see cref="Regularizer"/>).
/// </summary>
internal sealed record CallValue(string Function, object?[] Args, (string Key, object? Value)[] Kwargs)
{
    public override string ToString() =>
        $"{Function}({string.Join(", ", Args.Select(LayerOptionValues.Show).Concat(Kwargs.Select(k => $"{k.Key}={LayerOptionValues.Show(k.Value)}")))})";
}
