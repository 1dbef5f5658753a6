namespace ModelCost.Core.Data;

/// <summary>A split of a dataset.</summary>
public enum DatasetSplit
{
    Test,
    Train,
}
