namespace ModelCost.Core.Data;

/// <summary>The images of an IDX file: <see cref="Count"/> × <see cref="Rows"/> × <see cref="Cols"/> unsigned bytes, row-major.</summary>
public sealed class IdxImages
{
    public required int Count { get; init; }
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required byte[] Pixels { get; init; }
    public string? Path { get; init; }
}
