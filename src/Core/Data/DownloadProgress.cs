namespace ModelCost.Core.Data;

/// <summary>Progress of a dataset download, reported per chunk through <see cref="IProgress{T}"/>.</summary>
public sealed class DownloadProgress
{
    public required string Dataset { get; init; }
    public required string FileName { get; init; }
    public required string Url { get; init; }
    /// <summary>1-based index of the file being downloaded among <see cref="FileCount"/>.</summary>
    public int FileIndex { get; init; }
    public int FileCount { get; init; }
    public long BytesReceived { get; init; }
    /// <summary>From Content-Length; null when the server does not say.</summary>
    public long? TotalBytes { get; init; }
    /// <summary>True on the last report for a file (downloaded and verified).</summary>
    public bool Completed { get; init; }

    public int? PercentComplete => TotalBytes is > 0 ? (int)Math.Min(100, BytesReceived * 100 / TotalBytes.Value) : null;
}
