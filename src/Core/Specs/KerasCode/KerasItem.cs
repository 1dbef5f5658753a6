namespace ModelCost.Core.Specs.KerasCode;

/// <summary>
/// One Keras call as read from a layer string or a line of pasted code: a layer (<c>Dense(10)</c>), or the
/// model input (<c>keras.Input(shape=(784,))</c>, <c>layers.InputLayer(input_shape=(784,))</c>), with what
/// surrounds it in code: <c>x = …</c> (<see cref="AssignedTo"/>), <c>model.add(…)</c> (<see cref="AddedTo"/>)
/// and the functional call <c>…(x)</c> (<see cref="AppliedTo"/>).
/// </summary>
internal sealed class KerasItem
{
    /// <summary>The layer; null when the call is an Input/InputLayer.</summary>
    public LayerSpec? Layer { get; init; }

    /// <summary>The callee as written, without prefixes (Dense, Input, LeakyReLU, ...).</summary>
    public required string CallName { get; init; }

    /// <summary>The input shape the call gives (input_shape=, input_dim=, shape=), if any.</summary>
    public InputShapeText? InputShape { get; init; }

    /// <summary>The input holds token ids: an Embedding's input_length, or an Input with an integer dtype.</summary>
    public bool TokenInput { get; init; }

    /// <summary>The <c>name=</c> of an Input, which later calls refer to through its variable.</summary>
    public string? InputName { get; init; }

    public string? AssignedTo { get; init; }
    public string? AddedTo { get; init; }
    public string[]? AppliedTo { get; init; }

    /// <summary>Offset of the callee in the text it was read from.</summary>
    public int Position { get; init; }
}

/// <summary>
/// An input shape as written; a dimension may be a name the reader cannot evaluate
/// (<c>Input(shape=(kernel_height, kernel_width, 1))</c>), to be supplied by the caller (-InputShape).
/// </summary>
internal sealed record InputShapeText(int[] Dims, string?[] Names, string Option)
{
    public bool IsResolved => Names.All(n => n is null);

    public IEnumerable<string> Unresolved => Names.Where(n => n is not null)!;

    public override string ToString() =>
        "(" + string.Join(", ", Dims.Select((d, i) => Names[i] ?? d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + (Dims.Length == 1 ? ",)" : ")");

    /// <summary>True when <paramref name="given"/> fits: same rank, equal wherever a number is written.</summary>
    public bool Accepts(int[] given) =>
        given.Length == Dims.Length && Dims.Select((d, i) => Names[i] is not null || d == given[i]).All(x => x);
}
