namespace ModelCost.Core.Data;

/// <summary>One downloadable file of a dataset: its canonical name and the published checksum of that exact file.</summary>
/// <param name="FileName">Name as published, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="Checksum">Lower-case hex MD5 (32 digits) or SHA-256 (64 digits) of the published file.</param>
/// <param name="IsTrain">True for the training split (optional when a folder holds only the test split).</param>
/// <param name="IsImages">True for the images file, false for labels.</param>
public sealed record DatasetFile(string FileName, string Checksum, bool IsTrain, bool IsImages)
{
    /// <summary>The file name without <c>.gz</c>: a folder may hold the file compressed or not.</summary>
    public string BaseName => FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;
}
