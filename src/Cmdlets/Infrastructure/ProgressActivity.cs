namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Progress activity ids, one per kind of long work, so bars of a pipeline that trains while a download
/// runs never overwrite each other (a download inside training shows as its own bar).
/// </summary>
internal static class ProgressActivity
{
    public const int Training = 1;
    public const int Download = 2;
    public const int Evaluation = 3;
    public const int Latency = 4;
}
