namespace ModelCost.Core.Errors;

/// <summary>
/// The one error type the core throws for bad input or a failed operation. Carries a stable
/// <see cref="ErrorId"/> (see <see cref="ErrorIds"/>), a category and the thing that was wrong
/// (file, line, layer, option, value) so a cmdlet can write a precise ErrorRecord.
/// </summary>
public sealed class ModelCostException : Exception
{
    public ModelCostException(string errorId, ModelCostErrorCategory category, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    /// <summary>Stable identifier, e.g. <c>UnknownLayerType</c>; part of the public contract.</summary>
    public string ErrorId { get; }

    public ModelCostErrorCategory Category { get; }

    /// <summary>The offending object: a path, a layer name, a value.</summary>
    public object? Target { get; }

    /// <summary>Source file the error refers to, when there is one.</summary>
    public string? File { get; init; }

    /// <summary>1-based line in <see cref="File"/> (or in the text parsed), when known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column, when known.</summary>
    public int? Column { get; init; }

    /// <summary>0-based index of the layer the error refers to, when there is one.</summary>
    public int? LayerIndex { get; init; }

    public string? LayerName { get; init; }

    /// <summary>The layer option (Keras name) that is wrong, when there is one.</summary>
    public string? Option { get; init; }
}
