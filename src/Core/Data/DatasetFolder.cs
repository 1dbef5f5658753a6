using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.Core.Data;

/// <summary>
/// The IDX files found in one folder. Both datasets use the same four names; each may be gzip
/// (<c>.gz</c>) or raw, and the Kaggle spelling <c>train-images.idx3-ubyte</c> is accepted too.
/// </summary>
internal sealed class DatasetFolder
{
    public const string TrainImagesName = "train-images-idx3-ubyte";
    public const string TrainLabelsName = "train-labels-idx1-ubyte";
    public const string TestImagesName = "t10k-images-idx3-ubyte";
    public const string TestLabelsName = "t10k-labels-idx1-ubyte";

    private DatasetFolder(string location) => Location = location;

    public string Location { get; }
    public string? TrainImages { get; private init; }
    public string? TrainLabels { get; private init; }
    public string? TestImages { get; private init; }
    public string? TestLabels { get; private init; }

    public bool HasTest => TestImages is not null && TestLabels is not null;
    public bool HasTrain => TrainImages is not null && TrainLabels is not null;
    public bool IsComplete => HasTest && HasTrain;
    /// <summary>Exactly one file of a pair is present: a half-copied folder worth reporting.</summary>
    public bool HasHalfPair => (TrainImages is null) != (TrainLabels is null) || (TestImages is null) != (TestLabels is null);

    public static DatasetFolder Inspect(string folder)
    {
        var full = UserPath.Full(folder, ErrorIds.DatasetNotFound, "Dataset folder");
        if (!Directory.Exists(full)) return new DatasetFolder(full);
        return new DatasetFolder(full)
        {
            TrainImages = Find(full, TrainImagesName),
            TrainLabels = Find(full, TrainLabelsName),
            TestImages = Find(full, TestImagesName),
            TestLabels = Find(full, TestLabelsName),
        };
    }

    /// <summary>The names looked for, for error messages.</summary>
    public static string ExpectedNames => $"{TestImagesName}[.gz] and {TestLabelsName}[.gz] (and optionally {TrainImagesName}[.gz], {TrainLabelsName}[.gz])";

    private static string? Find(string folder, string baseName)
    {
        string kaggle = baseName.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (var name in new[] { baseName + ".gz", baseName, kaggle + ".gz", kaggle })
        {
            var p = Path.Combine(folder, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
