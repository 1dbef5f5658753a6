namespace ModelCost.Core.Data;

/// <summary>
/// Knobs for <see cref="DatasetCatalog.Resolve"/>. The defaults are what users get; tests override
/// the mirrors, checksums and cache so they never touch the real cache or the internet.
/// </summary>
public sealed class DatasetResolveOptions
{
    /// <summary>Root of the download cache; null means <see cref="DatasetCatalog.DefaultCacheRoot"/>.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>Consult <c>$MODELCOST_DATA</c>.</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>Consult system install folders (Debian's <c>/usr/share/datasets/fashion-mnist</c>).</summary>
    public bool UseSystemFolders { get; init; } = true;

    /// <summary>Download into the cache when the dataset is found nowhere else.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>
    /// The training pair is needed (training, evaluation on the training split). When false, a folder with only the
    /// test pair is enough and a download fetches only the two test files (1.6 MB instead of 11 MB for MNIST).
    /// </summary>
    public bool RequireTrainingSplit { get; init; } = true;

    /// <summary>Mirror base URLs (ending in '/') tried in order; null means the dataset's canonical mirrors.</summary>
    public IReadOnlyList<Uri>? BaseUrls { get; init; }

    /// <summary>Expected checksums by file name, replacing the published ones (tests serving generated files).</summary>
    public IReadOnlyDictionary<string, string>? Checksums { get; init; }

    /// <summary>A download that receives no byte for this long fails (DownloadFailed) instead of hanging.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed to connect and receive response headers.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
