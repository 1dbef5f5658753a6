using System.Security.Cryptography;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Data;

public sealed class IdxReaderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-idx");

    public void Dispose() => _tmp.Dispose();

    private string Put(string name, byte[] bytes)
    {
        var p = _tmp.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static ModelCostException Fails(string id, Action a)
    {
        var ex = Assert.Throws<ModelCostException>(a);
        Assert.Equal(id, ex.ErrorId);
        return ex;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_and_gzip_byte_for_byte(bool gzip)
    {
        // 3 images of 2x4: 24 pixel bytes follow the 16-byte header (IDX format: magic, count, rows, cols).
        var pixels = IdxTestFiles.Pixels(24, seed: 7);
        var raw = IdxTestFiles.Images(3, 2, 4, pixels);
        var path = Put("img" + (gzip ? ".gz" : ""), gzip ? IdxTestFiles.Gzip(raw) : raw);
        var img = IdxReader.ReadImages(path);
        Assert.Equal(3, img.Count);
        Assert.Equal(2, img.Rows);
        Assert.Equal(4, img.Cols);
        Assert.Equal(pixels, img.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels_raw_and_gzip(bool gzip)
    {
        var raw = IdxTestFiles.Labels([7, 2, 1, 0, 4]);
        var path = Put("lab", gzip ? IdxTestFiles.Gzip(raw) : raw);
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4 }, IdxReader.ReadLabels(path));
        var h = IdxReader.ReadHeader(path);
        Assert.Equal(IdxReader.LabelsMagic, h.Magic);
        Assert.Equal(5, h.Count);
        Assert.Equal(gzip, h.Compressed);
    }

    [Fact]
    public void Zero_images_is_a_valid_empty_file()
    {
        var img = IdxReader.ReadImages(Put("empty-set", IdxTestFiles.Images(0, 28, 28, [])));
        Assert.Equal(0, img.Count);
        Assert.Empty(img.Pixels);
    }

    [Fact]
    public void Wrong_magic_names_the_file_and_the_number()
    {
        var path = Put("bad-magic", IdxTestFiles.Images(1, 1, 1, [0], magic: 0x00000802));
        var ex = Fails(ErrorIds.IdxBadMagic, () => IdxReader.ReadImages(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("0x00000802", ex.Message);
        Assert.Equal(path, ex.File);
    }

    [Fact]
    public void A_labels_file_given_as_images_says_so()
    {
        var path = Put("labels-as-images", IdxTestFiles.Labels([1, 2]));
        var ex = Fails(ErrorIds.IdxBadMagic, () => IdxReader.ReadImages(path));
        Assert.Contains("labels", ex.Message);
        Assert.Contains("images", ex.Message);
    }

    [Fact]
    public void Empty_file_is_truncated()
    {
        var path = Put("zero-bytes", []);
        var ex = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadLabels(path));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Header_cut_short_is_truncated()
    {
        var raw = IdxTestFiles.Images(1, 2, 2, [1, 2, 3, 4]);
        var path = Put("short-header", raw[..10]);
        var ex = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(path));
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Data_cut_short_is_truncated(bool gzip)
    {
        // Header says 4 images of 2x2 = 16 bytes; only 10 follow.
        var raw = IdxTestFiles.Images(4, 2, 2, IdxTestFiles.Pixels(16))[..(16 + 10)];
        var path = Put("short-data", gzip ? IdxTestFiles.Gzip(raw) : raw);
        var ex = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(path));
        Assert.Contains("16", ex.Message);
        Assert.Contains("10", ex.Message);
    }

    [Fact]
    public void Huge_claim_in_a_tiny_raw_file_fails_before_allocating()
    {
        // 2^30 images of 1x1 claimed (1 GiB), 100-byte file: must fail on the length check, not allocate 1 GiB.
        var raw = IdxTestFiles.Images(1 << 30, 1, 1, new byte[84]);
        Assert.Equal(100, raw.Length);
        var path = Put("liar", raw);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"allocated {allocated} bytes; {ex.Message}");
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes for a 100-byte file");
    }

    [Fact]
    public void Huge_claim_in_a_tiny_gzip_file_fails_before_allocating()
    {
        // A gzip file of ~40 bytes cannot inflate to 2^30 bytes (deflate's ratio is at most ~1032:1).
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Images(1 << 30, 1, 1, new byte[4]));
        var path = Put("liar.gz", gz);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes for a {gz.Length}-byte file");
    }

    [Fact]
    public void Gzip_claim_within_the_ratio_bound_allocates_by_the_file_not_the_claim()
    {
        // 100,000 random (incompressible) bytes gzip to ~100 KB, so a header claiming 2000 x 28 x 28 =
        // 1,568,000 bytes passes the 1032:1 ratio bound. The reader starts with a buffer of 8x the file
        // (~800 KB) and grows only as data really arrives, so it never allocates the 1.5 MB claim.
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Images(2000, 28, 28, IdxTestFiles.Pixels(100_000)));
        Assert.True(gz.Length * 1032L > 2000L * 784, "precondition: the claim passes the ratio bound");
        var path = Put("grow.gz", gz);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fails(ErrorIds.IdxTruncated, () => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"allocated {allocated} bytes for a {gz.Length}-byte file claiming 1,568,000");
        Assert.True(allocated < 1_100_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Dimension_product_beyond_an_array_is_bad_dimensions()
    {
        // (2^31-1)^3 bytes: no array can hold it; fails on arithmetic before looking at the length.
        var path = Put("cube", IdxTestFiles.Images(int.MaxValue, int.MaxValue, int.MaxValue, []));
        var ex = Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Dimension_with_the_sign_bit_set_is_bad_dimensions()
    {
        var path = Put("negative", IdxTestFiles.Images(unchecked((int)0x80000001), 1, 1, [1]));
        Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(path));
    }

    [Fact]
    public void Zero_rows_is_bad_dimensions()
    {
        var path = Put("zero-rows", IdxTestFiles.Images(3, 0, 28, []));
        Fails(ErrorIds.IdxBadDimensions, () => IdxReader.ReadImages(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_data_is_rejected(bool gzip)
    {
        // Header: 2 labels; 5 follow. Policy (docs/data.md): rejected, since header and data disagree.
        var raw = IdxTestFiles.Labels([1, 2, 3, 4, 5], count: 2);
        var path = Put("trailing", gzip ? IdxTestFiles.Gzip(raw) : raw);
        var ex = Fails(ErrorIds.IdxTrailingData, () => IdxReader.ReadLabels(path));
        Assert.Contains("3", ex.Message);
    }

    [Fact]
    public void Corrupt_gzip_stream_is_gzip_corrupt()
    {
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Labels(IdxTestFiles.Pixels(5000)));
        for (int i = 20; i < 60; i++) gz[i] ^= 0x5A; // scramble the deflate blocks after the 10-byte gzip header
        var path = Put("corrupt.gz", gz);
        var ex = Assert.Throws<ModelCostException>(() => IdxReader.ReadLabels(path));
        output.WriteLine(ex.ErrorId + ": " + ex.Message);
        // Scrambled deflate data is either rejected by the inflater or inflates to garbage whose header is wrong.
        Assert.Contains(ex.ErrorId, new[] { ErrorIds.GzipCorrupt, ErrorIds.IdxBadMagic, ErrorIds.IdxTruncated, ErrorIds.IdxTrailingData });
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Gzip_with_a_broken_checksum_is_gzip_corrupt()
    {
        // The gzip trailer holds CRC32 then ISIZE (RFC 1952); flipping a CRC byte keeps the deflate data valid,
        // so only the integrity check can notice.
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Labels([1, 2, 3]));
        gz[^8] ^= 0xFF;
        var path = Put("badcrc.gz", gz);
        var ex = Fails(ErrorIds.GzipCorrupt, () => IdxReader.ReadLabels(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Missing_file_and_directory_are_named()
    {
        var missing = _tmp.File("nope.gz");
        var ex = Fails(ErrorIds.DataFileNotFound, () => IdxReader.ReadImages(missing));
        Assert.Contains(missing, ex.Message);
        ex = Fails(ErrorIds.PathIsDirectory, () => IdxReader.ReadLabels(_tmp.Path));
        Assert.Contains(_tmp.Path, ex.Message);
    }

    [Fact]
    public void Cancellation_stops_reading()
    {
        var path = Put("cancel", IdxTestFiles.Images(10, 28, 28, IdxTestFiles.Pixels(7840)));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Fails(ErrorIds.OperationCancelled, () => IdxReader.ReadImages(path, cts.Token));
    }

    [Fact]
    public void Reads_the_real_MNIST_test_images_exactly()
    {
        const string dir = "/work/shared/data/mnist";
        var images = Path.Combine(dir, "t10k-images-idx3-ubyte.gz");
        var labels = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labels)) { output.WriteLine($"skipped: {dir} absent"); return; }
        var img = IdxReader.ReadImages(images);
        Assert.Equal((10000, 28, 28), (img.Count, img.Rows, img.Cols));
        // shared/README publishes the MD5 of the raw (decompressed) files; rebuild them from what we read.
        var raw = IdxTestFiles.Images(img.Count, img.Rows, img.Cols, img.Pixels);
        Assert.Equal("2646ac647ad5339dbf082846283269ea", Convert.ToHexString(MD5.HashData(raw)).ToLowerInvariant());
        var lab = IdxReader.ReadLabels(labels);
        Assert.Equal("27ae3e4e09519cfbb04c329615203637", Convert.ToHexString(MD5.HashData(IdxTestFiles.Labels(lab))).ToLowerInvariant());
    }
}
