using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.Core.Data;

/// <summary>
/// Reads IDX files (the MNIST format), gzip-compressed (detected by the 1f 8b magic) or raw.
/// Every number in the header is checked against the file before anything is allocated from
/// it, so a 100-byte file claiming 2^31 images fails at once. Trailing policy: a file holding
/// more data than its header describes is rejected with <see cref="ErrorIds.IdxTrailingData"/>,
/// because it almost always means the header and the data disagree.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Deflate cannot expand a byte into more than about 1032 bytes; a larger claim is a lie.</summary>
    internal const long MaxGzipRatio = 1032;

    private const int Chunk = 1 << 20;
    private const int MinGzipBuffer = 1 << 16;

    /// <summary>Reads an images file (magic 0x00000803, dimensions count × rows × cols).</summary>
    public static IdxImages ReadImages(string path, CancellationToken cancellationToken = default)
    {
        using var src = IdxSource.Open(path);
        var h = ReadHeaderFrom(src, ImagesMagic);
        var pixels = ReadPayload(src, h, cancellationToken);
        return new IdxImages { Count = h.Dimensions[0], Rows = h.Dimensions[1], Cols = h.Dimensions[2], Pixels = pixels, Path = src.Path };
    }

    /// <summary>Reads a labels file (magic 0x00000801, one dimension: the count). Values are not range-checked here.</summary>
    public static byte[] ReadLabels(string path, CancellationToken cancellationToken = default)
    {
        using var src = IdxSource.Open(path);
        var h = ReadHeaderFrom(src, LabelsMagic);
        return ReadPayload(src, h, cancellationToken);
    }

    /// <summary>Reads and validates only the header (cheap even for a gzip file). <paramref name="expectedMagic"/> null accepts images or labels.</summary>
    public static IdxHeader ReadHeader(string path, int? expectedMagic = null)
    {
        using var src = IdxSource.Open(path);
        return ReadHeaderFrom(src, expectedMagic);
    }

    private static IdxHeader ReadHeaderFrom(IdxSource src, int? expectedMagic)
    {
        Span<byte> b4 = stackalloc byte[4];
        if (src.ReadExactly(b4) < 4)
            throw src.Error(ErrorIds.IdxTruncated, "it ends before the 4-byte IDX magic number"
                + (src.Compressed ? " (after decompression)." : "."));
        int magic = BinaryPrimitives.ReadInt32BigEndian(b4);
        if (magic != ImagesMagic && magic != LabelsMagic)
            throw src.Error(ErrorIds.IdxBadMagic, $"the magic number is {Hex(magic)}; an IDX images file has {Hex(ImagesMagic)} and a labels file {Hex(LabelsMagic)} (unsigned bytes).");
        if (expectedMagic is int want && magic != want)
            throw src.Error(ErrorIds.IdxBadMagic, $"the magic number is {Hex(magic)} ({Kind(magic)}) but an IDX {Kind(want)} file ({Hex(want)}) was expected.");

        int rank = magic & 0xFF;
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (src.ReadExactly(b4) < 4)
                throw src.Error(ErrorIds.IdxTruncated, $"it ends inside the header (dimension {i + 1} of {rank}).");
            uint d = BinaryPrimitives.ReadUInt32BigEndian(b4);
            if (d > int.MaxValue)
                throw src.Error(ErrorIds.IdxBadDimensions, $"dimension {i + 1} is {d.ToString(CultureInfo.InvariantCulture)}, beyond 2^31-1.");
            dims[i] = (int)d;
        }
        for (int i = 1; i < rank; i++)
            if (dims[i] == 0)
                throw src.Error(ErrorIds.IdxBadDimensions, $"dimension {i + 1} is 0; images need at least one row and column.");

        // The product of up to three values below 2^31 fits in Int128; compare before any allocation.
        Int128 payload = 1;
        foreach (var d in dims) payload *= d;
        if (payload > Array.MaxLength)
            throw src.Error(ErrorIds.IdxBadDimensions,
                $"the header claims {string.Join(" x ", dims)} = {payload.ToString(CultureInfo.InvariantCulture)} bytes, more than one array can hold ({Array.MaxLength.ToString(CultureInfo.InvariantCulture)}).");
        long need = (long)payload;
        long headerBytes = 4 + 4L * rank;

        if (!src.Compressed)
        {
            long have = src.FileLength - headerBytes;
            if (have < need)
                throw src.Error(ErrorIds.IdxTruncated,
                    $"the header claims {Describe(dims)} = {need.ToString(CultureInfo.InvariantCulture)} bytes of data but only {have.ToString(CultureInfo.InvariantCulture)} follow the header.");
            if (have > need)
                throw src.Error(ErrorIds.IdxTrailingData,
                    $"the header describes {Describe(dims)} = {need.ToString(CultureInfo.InvariantCulture)} bytes of data but {have.ToString(CultureInfo.InvariantCulture)} follow the header ({(have - need).ToString(CultureInfo.InvariantCulture)} extra).");
        }
        else if (need > src.FileLength * MaxGzipRatio)
        {
            throw src.Error(ErrorIds.IdxTruncated,
                $"the header claims {Describe(dims)} = {need.ToString(CultureInfo.InvariantCulture)} bytes of data, more than a {src.FileLength.ToString(CultureInfo.InvariantCulture)}-byte gzip file can hold.");
        }
        return new IdxHeader { Path = src.Path, Magic = magic, Dimensions = dims, Compressed = src.Compressed, PayloadBytes = need };
    }

    private static byte[] ReadPayload(IdxSource src, IdxHeader h, CancellationToken ct)
    {
        long need = h.PayloadBytes;
        // A raw file's length was checked, so allocate exactly. A gzip stream may still lie within the
        // ratio bound: grow only as real data arrives, so memory follows the data, not the header.
        long initial = src.Compressed ? Math.Min(need, Math.Max(MinGzipBuffer, src.FileLength * 8)) : need;
        var buf = new byte[initial];
        long got = 0;
        while (got < need)
        {
            if (ct.IsCancellationRequested)
                throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                    $"Reading '{src.Path}' was cancelled.", src.Path) { File = src.Path };
            if (got == buf.Length)
                Array.Resize(ref buf, (int)Math.Min(need, Math.Max(buf.Length * 2L, MinGzipBuffer)));
            int want = (int)Math.Min(Chunk, buf.Length - got);
            int n = src.Read(buf.AsSpan((int)got, want));
            if (n == 0)
                throw src.Error(ErrorIds.IdxTruncated,
                    $"the header claims {Describe(h.Dimensions)} = {need.ToString(CultureInfo.InvariantCulture)} bytes of data but the {(src.Compressed ? "decompressed " : "")}data ends after {got.ToString(CultureInfo.InvariantCulture)}.");
            got += n;
        }
        if (src.Compressed)
        {
            Span<byte> probe = stackalloc byte[256];
            long extra = 0;
            int n;
            while ((n = src.Read(probe)) > 0 && extra < 1 << 20) extra += n;
            if (extra > 0)
                throw src.Error(ErrorIds.IdxTrailingData,
                    $"the header describes {Describe(h.Dimensions)} = {need.ToString(CultureInfo.InvariantCulture)} bytes of data but the decompressed stream holds more ({(extra >= 1 << 20 ? "at least " : "")}{extra.ToString(CultureInfo.InvariantCulture)} extra bytes).");
        }
        return buf;
    }

    private static string Hex(int v) => "0x" + v.ToString("X8", CultureInfo.InvariantCulture);

    private static string Kind(int magic) => magic switch { ImagesMagic => "images", LabelsMagic => "labels", _ => "unknown" };

    private static string Describe(int[] dims) => dims.Length switch
    {
        1 => $"{dims[0].ToString(CultureInfo.InvariantCulture)} labels",
        3 => $"{dims[0].ToString(CultureInfo.InvariantCulture)} images of {dims[1].ToString(CultureInfo.InvariantCulture)}x{dims[2].ToString(CultureInfo.InvariantCulture)}",
        _ => string.Join(" x ", dims),
    };

    /// <summary>An open IDX file, transparently decompressed; turns the stream's exceptions into ours.</summary>
    private sealed class IdxSource : IDisposable
    {
        private readonly FileStream _file;
        private readonly Stream _stream;

        private IdxSource(string path, FileStream file, bool compressed)
        {
            Path = path;
            _file = file;
            Compressed = compressed;
            _stream = compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        }

        public string Path { get; }
        public bool Compressed { get; }
        public long FileLength => _file.Length;

        public static IdxSource Open(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            var full = UserPath.Full(path, ErrorIds.DataFileNotFound, "IDX file");
            if (Directory.Exists(full))
                throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                    $"Cannot read IDX file '{full}': it is a directory.", full) { File = full };
            if (!File.Exists(full))
                throw new ModelCostException(ErrorIds.DataFileNotFound, ModelCostErrorCategory.ObjectNotFound,
                    $"IDX file '{full}' does not exist.", full) { File = full };
            FileStream fs;
            try { fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ModelCostException(ErrorIds.DataFileUnreadable, ModelCostErrorCategory.ReadError,
                    $"Cannot open IDX file '{full}': {ex.Message}", full, ex) { File = full };
            }
            try
            {
                if (fs.Length == 0)
                    throw new ModelCostException(ErrorIds.IdxTruncated, ModelCostErrorCategory.InvalidData,
                        $"IDX file '{full}' is empty (0 bytes).", full) { File = full };
                Span<byte> m = stackalloc byte[2];
                int n = fs.Read(m);
                fs.Position = 0;
                return new IdxSource(full, fs, n == 2 && m[0] == 0x1f && m[1] == 0x8b);
            }
            catch
            {
                fs.Dispose();
                throw;
            }
        }

        public int Read(Span<byte> dst)
        {
            try { return _stream.Read(dst); }
            catch (InvalidDataException ex)
            {
                throw new ModelCostException(ErrorIds.GzipCorrupt, ModelCostErrorCategory.InvalidData,
                    $"IDX file '{Path}' is not a valid gzip stream: {ex.Message}", Path, ex) { File = Path };
            }
            catch (IOException ex)
            {
                throw new ModelCostException(ErrorIds.DataFileUnreadable, ModelCostErrorCategory.ReadError,
                    $"Cannot read IDX file '{Path}': {ex.Message}", Path, ex) { File = Path };
            }
        }

        public int ReadExactly(Span<byte> dst)
        {
            int got = 0;
            while (got < dst.Length)
            {
                int n = Read(dst[got..]);
                if (n == 0) break;
                got += n;
            }
            return got;
        }

        public ModelCostException Error(string id, string problem) =>
            new(id, ModelCostErrorCategory.InvalidData, $"IDX file '{Path}' is invalid: {problem}", Path) { File = Path };

        public void Dispose()
        {
            if (Compressed) _stream.Dispose();
            _file.Dispose();
        }
    }
}
