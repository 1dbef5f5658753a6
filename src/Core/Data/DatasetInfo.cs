namespace ModelCost.Core.Data;

/// <summary>Where a dataset was found and what it holds. Loading the pixels is a separate step.</summary>
public sealed class DatasetInfo
{
    public required string Name { get; init; }
    public int TrainCount { get; init; }
    public int TestCount { get; init; }
    /// <summary>Image shape without batch, e.g. (28, 28).</summary>
    public required int[] ImageShape { get; init; }
    public int Classes { get; init; }
    /// <summary>The folder holding the IDX files.</summary>
    public required string Location { get; init; }
    /// <summary>How it was found: Path, Environment, Cache, Debian or Download.</summary>
    public string Source { get; init; } = "Path";

    public override string ToString() => $"{Name} ({TrainCount} train, {TestCount} test) at {Location}";
}
