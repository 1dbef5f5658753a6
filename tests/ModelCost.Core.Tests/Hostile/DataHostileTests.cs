using System.Buffers.Binary;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.Data;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Data": IDX files from the internet through IdxReader, DatasetLoader and DatasetCatalog.
/// Every error names the file and the problem; nothing is allocated from a header before it is checked.
/// </summary>
public sealed class DataHostileTests : IDisposable
{
    private readonly TempFolder _dir = new("mc-hostile-data");

    public void Dispose() => _dir.Dispose();

    private string Put(string name, byte[] bytes)
    {
        var p = _dir.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static byte[] Images(int n, int seed = 1) => IdxTestFiles.Images(n, 28, 28, IdxTestFiles.Pixels(n * 784, seed));

    private static byte[] Labels(params byte[] labels) => IdxTestFiles.Labels(labels);

    [Fact]
    public void Wrong_magic_names_the_file_and_both_numbers()
    {
        // 0x00000804 would be a rank-4 unsigned-byte file; neither images (…803) nor labels (…801).
        var p = Put("bad-magic", IdxTestFiles.Images(1, 2, 2, [1, 2, 3, 4], magic: 0x00000804));
        var e = Fails(ErrorIds.IdxBadMagic, () => IdxReader.ReadImages(p), [p, "0x00000804", "0x00000803"]);
        Assert.Equal(p, e.File);
    }

    [Fact]
    public void A_labels_file_given_as_images_is_a_magic_mismatch()
    {
        var p = Put("labels-as-images", Labels(1, 2, 3));
        Fails(ErrorIds.IdxBadMagic, () => IdxReader.ReadImages(p), [p, "labels", "images"]);
    }

    [Fact]
    public void A_text_file_is_not_idx()
    {
        var p = Put("readme.txt", "MNIST is a dataset of handwritten digits.\n"u8.ToArray());
        Fails(ErrorIds.IdxBadMagic, () => IdxReader.ReadLabels(p), [p, "magic number"]);
    }

    [Fact]
    public void Truncated_data_names_claimed_and_present_bytes()
    {
        // Header: 10 images of 28×28 = 7,840 bytes; only 100 follow.
        var full = Images(10);
        var p = Put("truncated", full[..(16 + 100)]);
        var e = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(p), [p, "10 images of 28x28", "7840", "100"]);
        Assert.Equal(ModelCostErrorCategory.InvalidData, e.Category);
    }

    [Fact]
    public void Truncated_inside_the_header()
    {
        var p = Put("short-header", Images(1)[..10]);
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(p), [p, "inside the header"], "in header");
        var q = Put("three-bytes", [0, 0, 8]);
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(q), [q, "magic"], "before magic");
    }

    [Fact]
    public void A_header_claiming_two_billion_images_fails_before_any_allocation()
    {
        // 2^31-1 images of 28×28 ≈ 1.7e12 bytes: beyond one array, so refused from the header alone.
        var b = Images(1);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), int.MaxValue);
        var p = Put("liar", b);
        Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(p), [p, "2147483647"]);
        Assert.True(AllocatedBy(() => IdxReader.ReadImages(p)) < 1_000_000, "no allocation in proportion to the claimed count");
        // A dimension above 2^31-1 (stored as unsigned 0xFFFFFFFF) is refused as such.
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), uint.MaxValue);
        var q = Put("liar2", b);
        Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(q), [q, "4294967295"], "beyond 2^31");
        // 1,000 images of 28x28 = 784,000 bytes claimed by a 800-byte file: truncated, known from the length.
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), 1000);
        var r = Put("liar3", b);
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(r), [r, "784000"], "claims more than the file");
        Assert.True(AllocatedBy(() => IdxReader.ReadImages(r)) < 500_000, "the 784,000 claimed bytes are not allocated");
    }

    /// <summary>Bytes this thread allocates while the call fails (it runs here, not on a worker, so the count is its own).</summary>
    internal static long AllocatedBy(Action failing)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { failing(); }
        catch (ModelCostException) { }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_zero_row_dimension_is_refused()
    {
        var p = Put("zero-rows", IdxTestFiles.Images(1, 0, 28, []));
        Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(p), [p, "dimension 2 is 0"]);
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        var p = Put("trailing", [.. Labels(1, 2, 3), 9, 9]);
        Fails(ErrorIds.IdxTrailingData, () => IdxReader.ReadLabels(p), [p, "2 extra"]);
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_names_both_files_and_counts()
    {
        var img = Put("imgs", Images(3));
        var lab = Put("labs", Labels(1, 2));
        var e = Fails(ErrorIds.IdxCountMismatch, () => DatasetLoader.LoadIdx(img, lab), [img, "3 images", lab, "2 labels"]);
        Assert.Equal(img, e.File);
    }

    [Fact]
    public void A_label_out_of_range_names_file_value_and_index()
    {
        var img = Put("imgs", Images(3));
        var lab = Put("labs", Labels(1, 10, 2));
        var e = Fails(ErrorIds.LabelOutOfRange, () => DatasetLoader.LoadIdx(img, lab, classes: 10), [lab, "label 10", "index 1", "class count 10"]);
        Assert.Equal(lab, e.File);
    }

    [Fact]
    public void A_corrupt_gzip_stream_names_the_file()
    {
        // A real gzip header (1f 8b, deflate, no flags) followed by bytes that are not a deflate stream.
        var gz = IdxTestFiles.Gzip(Labels(1, 2, 3));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] = 0xFF;
        var p = Put("corrupt.gz", gz);
        var e = Fails(ErrorIds.GzipCorrupt, () => IdxReader.ReadLabels(p), [p, "gzip"]);
        Assert.Equal(p, e.File);
    }

    [Fact]
    public void A_gzip_file_cut_short_is_truncated_or_corrupt_never_a_crash()
    {
        var gz = IdxTestFiles.Gzip(Images(20));
        var p = Put("cut.gz", gz[..(gz.Length / 2)]);
        // Cut in the middle of the deflate data: the decompressed stream ends before the 15,680 bytes the header claims.
        var e = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(p), [p, "15680"]);
        Assert.Equal(p, e.File);
    }

    [Fact]
    public void A_gzip_header_claiming_more_than_deflate_can_expand_to_is_refused_up_front()
    {
        // 10,000 images of 28×28 = 7,840,000 bytes from a ~100-byte gzip file: more than the 1032:1 deflate limit.
        var raw = IdxTestFiles.Images(1, 28, 28, new byte[784]);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), 10_000);
        var p = Put("bomb.gz", IdxTestFiles.Gzip(raw));
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(p), [p, "7840000"]);
        Assert.True(AllocatedBy(() => IdxReader.ReadImages(p)) < 1_000_000, "the 7.8 MB claimed are not allocated");
    }

    [Fact]
    public void An_empty_file_is_named_as_empty()
    {
        var p = Put("empty", []);
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(p), [p, "empty"]);
    }

    [Fact]
    public void A_path_that_is_a_directory_is_named()
    {
        var d = Path.Combine(_dir.Path, "t10k-images-idx3-ubyte");
        Directory.CreateDirectory(d);
        Fails(ErrorIds.PathIsDirectory, () => IdxReader.ReadImages(d), [d, "directory"], "reader");
        Fails(ErrorIds.PathIsDirectory, () => DatasetLoader.LoadIdx(d, d), [d], "loader");
    }

    [Fact]
    public void A_missing_file_and_an_invalid_path_are_named()
    {
        var p = _dir.File("nope");
        Fails(ErrorIds.DataFileNotFound, () => IdxReader.ReadImages(p), [p, "does not exist"], "missing");
        Fails(ErrorIds.DataFileNotFound, () => IdxReader.ReadImages(""), ["not a valid path"], "empty path");
        Fails(ErrorIds.DataFileNotFound, () => IdxReader.ReadImages("a\0b"), ["a\\0b", "not a valid path"], "NUL in path");
    }

    [Fact]
    public void Dataset_folder_problems_are_named()
    {
        Fails(ErrorIds.UnknownDataset, () => DatasetCatalog.Resolve("ImageNet", _dir.Path), ["'ImageNet'", "MNIST"], "unknown name");
        var file = Put("a-file", [1]);
        Fails(ErrorIds.DatasetNotFound, () => DatasetCatalog.Resolve("MNIST", file), [file, "is a file"], "path is a file");
        Fails(ErrorIds.DatasetNotFound, () => DatasetCatalog.Resolve("MNIST", _dir.File("missing")), ["does not exist"], "missing folder");
        // A folder whose IDX names are folders, not files, holds no dataset.
        var odd = Path.Combine(_dir.Path, "odd");
        foreach (var n in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }) Directory.CreateDirectory(Path.Combine(odd, n));
        Fails(ErrorIds.DatasetNotFound, () => DatasetCatalog.Resolve("MNIST", odd), [odd], "names are folders");
    }

    [Fact]
    public void A_dataset_folder_with_a_corrupt_member_names_that_member()
    {
        var folder = Path.Combine(_dir.Path, "mnist");
        IdxTestFiles.WriteDataset(folder, train: 4, test: 3, gzip: false);
        var labels = Path.Combine(folder, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, Labels(1, 2, 12));
        var info = Succeeds(() => DatasetCatalog.Resolve("MNIST", folder));
        Fails(ErrorIds.LabelOutOfRange, () => DatasetLoader.Load(info), [labels, "label 12"]);
    }
}
