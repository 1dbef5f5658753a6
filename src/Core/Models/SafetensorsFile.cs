using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.Core.Models;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON (padded with spaces to a
/// multiple of 8, as the reference writer does), then the tensors' little-endian bytes,
/// contiguous, at the <c>data_offsets</c> the header gives (relative to the end of the header).
/// The reader trusts nothing: every number in the header is checked against the file length
/// before it sizes an allocation.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>Writes float32 tensors (sorted by name, as the reference writer orders equal dtypes) atomically; returns the file size in bytes.</summary>
    public static long Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata, bool overwrite,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = Validate(tensors);
        var header = BuildHeader(ordered, metadata);
        long total = 8 + header.Length + ordered.Sum(t => 4L * t.Data.Length);
        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
            s.Write(len);
            s.Write(header);
            var scratch = BitConverter.IsLittleEndian ? null : new byte[4];
            foreach (var t in ordered)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (BitConverter.IsLittleEndian)
                    s.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
                else
                    foreach (var v in t.Data) { BinaryPrimitives.WriteSingleLittleEndian(scratch, v); s.Write(scratch!); }
            }
        }, overwrite, cancellationToken);
        return total;
    }

    /// <summary>Reads every tensor as float32 (F32, F16, BF16 and F64 are converted; other dtypes fail) plus the metadata.</summary>
    public static SafetensorsContent Read(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = UserPath.Full(path, ErrorIds.DataFileNotFound, "Safetensors file");
        if (Directory.Exists(full))
            throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                $"Cannot read safetensors file '{full}': it is a directory.", full) { File = full };
        if (!File.Exists(full))
            throw new ModelCostException(ErrorIds.DataFileNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"Safetensors file '{full}' does not exist.", full) { File = full };
        try
        {
            using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return ReadFrom(fs, full, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.DataFileUnreadable, ModelCostErrorCategory.ReadError,
                $"Cannot read safetensors file '{full}': {ex.Message}", full, ex) { File = full };
        }
    }

    private static SafetensorsContent ReadFrom(FileStream fs, string path, CancellationToken ct)
    {
        long fileLength = fs.Length;
        if (fileLength < 8)
            throw Corrupt(path, $"it is {fileLength.ToString(CultureInfo.InvariantCulture)} bytes long, shorter than the 8-byte header length.");
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (n > (ulong)(fileLength - 8))
            throw Corrupt(path, $"the header length is {n.ToString(CultureInfo.InvariantCulture)} bytes but only {(fileLength - 8).ToString(CultureInfo.InvariantCulture)} bytes follow it.");
        if (n > MaxHeaderBytes)
            throw Corrupt(path, $"the header length {n.ToString(CultureInfo.InvariantCulture)} exceeds the {MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)}-byte limit.");
        if (n < 2)
            throw Corrupt(path, $"the header length is {n.ToString(CultureInfo.InvariantCulture)}; a header is at least '{{}}'.");
        var header = new byte[(int)n];
        fs.ReadExactly(header);
        long dataStart = 8 + (long)n;
        long dataLength = fileLength - dataStart;

        List<Entry> entries;
        Dictionary<string, string> metadata;
        try
        {
            entries = ParseHeader(path, header, out metadata);
        }
        catch (InvalidOperationException ex)
        {
            // JsonDocument accepts an escaped lone surrogate ("\ud800") but reading it as a string throws.
            throw Corrupt(path, $"the header holds a name or value that is not valid text (an escaped lone surrogate such as \\ud800?): {ex.Message}");
        }
        CheckLayout(path, entries, dataLength);

        var tensors = new NamedTensor[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            if (ct.IsCancellationRequested)
                throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                    $"Reading '{path}' was cancelled.", path) { File = path };
            var e = entries[i];
            if (e.Elements > Array.MaxLength)
                throw new ModelCostException(ErrorIds.SafetensorsUnsupportedDtype, ModelCostErrorCategory.LimitsExceeded,
                    $"Safetensors file '{path}': tensor '{e.Name}' has {e.Elements.ToString(CultureInfo.InvariantCulture)} elements, more than one array can hold.", path) { File = path };
            var data = new float[e.Elements];
            fs.Position = dataStart + e.Begin;
            ReadAs(fs, e, data);
            CheckFinite(fs, path, e, dataStart, data);
            tensors[i] = new NamedTensor(e.Name, e.Shape, data);
        }
        return new SafetensorsContent(tensors, metadata, fileLength);
    }

    private sealed record Entry(string Name, string Dtype, int ElementSize, int[] Shape, long Elements, long Begin, long End);

    private static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    private static List<Entry> ParseHeader(string path, byte[] header, out Dictionary<string, string> metadata)
    {
        if (header[0] != (byte)'{')
            throw Corrupt(path, $"the header does not start with '{{' (first byte 0x{header[0].ToString("X2", CultureInfo.InvariantCulture)}).");
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        JsonDocument doc;
        try
        {
            // Strict UTF-8 first: JsonDocument would otherwise report a less helpful position.
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(header);
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (DecoderFallbackException ex) { throw Corrupt(path, $"the header is not valid UTF-8 ({ex.Message})."); }
        catch (JsonException ex) { throw Corrupt(path, $"the header is not valid JSON: {ex.Message}"); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt(path, "the header is not a JSON object.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                    throw Corrupt(path, $"the header names '{p.Name}' twice.");
                if (p.Name == MetadataKey)
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    if (p.Value.ValueKind != JsonValueKind.Object)
                        throw Corrupt(path, $"'{MetadataKey}' must be an object of strings.");
                    foreach (var m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Corrupt(path, $"metadata '{m.Name}' is a {m.Value.ValueKind}, not a string.");
                        if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                            throw Corrupt(path, $"metadata names '{m.Name}' twice.");
                    }
                    continue;
                }
                entries.Add(ParseEntry(path, p));
            }
        }
        return entries;
    }

    private static Entry ParseEntry(string path, JsonProperty p)
    {
        string name = p.Name;
        if (name.Length == 0) throw Corrupt(path, "a tensor has an empty name.");
        if (p.Value.ValueKind != JsonValueKind.Object)
            throw Corrupt(path, $"tensor '{name}' is described by a {p.Value.ValueKind}, not an object.");
        if (!p.Value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Corrupt(path, $"tensor '{name}' has no string 'dtype'.");
        string dtype = dt.GetString()!;
        if (!DtypeSizes.TryGetValue(dtype, out int size))
            throw Corrupt(path, $"tensor '{name}' has unknown dtype '{dtype}'.");
        if (!p.Value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Corrupt(path, $"tensor '{name}' has no 'shape' array.");
        int rank = sh.GetArrayLength();
        if (rank > 16) throw Corrupt(path, $"tensor '{name}' has rank {rank.ToString(CultureInfo.InvariantCulture)}; at most 16 is supported.");
        var shape = new int[rank];
        Int128 elements = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetUInt64(out var v))
                throw Corrupt(path, $"tensor '{name}' has a shape entry that is not a non-negative integer ({d.GetRawText()}).");
            if (v > int.MaxValue)
                throw Corrupt(path, $"tensor '{name}' has a dimension of {v.ToString(CultureInfo.InvariantCulture)}, beyond 2^31-1.");
            shape[k++] = (int)v;
            elements *= (int)v;
            if (elements > long.MaxValue / 8)
                throw Corrupt(path, $"tensor '{name}' has a shape whose element count overflows.");
        }
        if (!p.Value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Corrupt(path, $"tensor '{name}' has no 'data_offsets' pair.");
        var o = new long[2];
        k = 0;
        foreach (var d in off.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetUInt64(out var v) || v > long.MaxValue)
                throw Corrupt(path, $"tensor '{name}' has a data offset that is not a non-negative integer ({d.GetRawText()}).");
            o[k++] = (long)v;
        }
        if (o[1] < o[0])
            throw Corrupt(path, $"tensor '{name}' has data_offsets [{o[0].ToString(CultureInfo.InvariantCulture)}, {o[1].ToString(CultureInfo.InvariantCulture)}] that end before they begin.");
        long bytes = (long)elements * size;
        if (bytes != o[1] - o[0])
            throw Corrupt(path, $"tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {bytes.ToString(CultureInfo.InvariantCulture)} bytes but its data_offsets span {(o[1] - o[0]).ToString(CultureInfo.InvariantCulture)}.");
        return new Entry(name, dtype, size, shape, (long)elements, o[0], o[1]);
    }

    /// <summary>The spec requires the tensors to tile the data region exactly: no gap, no overlap, nothing after.</summary>
    private static void CheckLayout(string path, List<Entry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long at = 0;
        foreach (var e in entries)
        {
            if (e.End > dataLength)
                throw Corrupt(path, $"tensor '{e.Name}' ends at data offset {e.End.ToString(CultureInfo.InvariantCulture)}, beyond the {dataLength.ToString(CultureInfo.InvariantCulture)} data bytes in the file.");
            if (e.Begin < at)
                throw Corrupt(path, $"tensor '{e.Name}' starts at data offset {e.Begin.ToString(CultureInfo.InvariantCulture)}, overlapping the previous tensor (which ends at {at.ToString(CultureInfo.InvariantCulture)}).");
            if (e.Begin > at)
                throw Corrupt(path, $"tensor '{e.Name}' starts at data offset {e.Begin.ToString(CultureInfo.InvariantCulture)}, leaving a gap after {at.ToString(CultureInfo.InvariantCulture)}; tensors must be contiguous.");
            at = e.End;
        }
        if (at != dataLength)
            throw Corrupt(path, $"the tensors cover {at.ToString(CultureInfo.InvariantCulture)} data bytes but the file holds {dataLength.ToString(CultureInfo.InvariantCulture)}; trailing bytes are not allowed.");
    }

    /// <summary>
    /// Weights must be finite: a NaN or infinity (or an F64 value beyond float32's ±3.4e38, which becomes one)
    /// would only make every loss NaN, so the file is refused naming the tensor, the first such value and how
    /// many there are. Our own exports never hold one: a diverged run keeps the last finite weights.
    /// </summary>
    private static void CheckFinite(FileStream fs, string path, Entry e, long dataStart, float[] data)
    {
        int first = -1;
        long count = 0;
        for (int j = 0; j < data.Length; j++)
            if (!float.IsFinite(data[j]))
            {
                if (first < 0) first = j;
                count++;
            }
        if (first < 0) return;
        string value = data[first].ToString(CultureInfo.InvariantCulture);
        if (e.Dtype == "F64")
        {
            Span<byte> raw = stackalloc byte[8];
            fs.Position = dataStart + e.Begin + 8L * first;
            fs.ReadExactly(raw);
            double d = BinaryPrimitives.ReadDoubleLittleEndian(raw);
            if (double.IsFinite(d)) value = $"{d.ToString("R", CultureInfo.InvariantCulture)} (F64), beyond the float32 range of ±3.4e38";
        }
        throw new ModelCostException(ErrorIds.NonFiniteWeights, ModelCostErrorCategory.InvalidData,
            string.Create(CultureInfo.InvariantCulture,
                $"Safetensors file '{path}': tensor '{e.Name}' holds {count:N0} value(s) that are not finite float32 numbers; the first, at flat index {first:N0}, is {value}. Weights like these give a NaN loss; the file was not loaded."),
            path) { File = path };
    }

    private static void ReadAs(FileStream fs, Entry e, float[] dst)
    {
        switch (e.Dtype)
        {
            case "F32":
                fs.ReadExactly(MemoryMarshal.AsBytes(dst.AsSpan()));
                if (!BitConverter.IsLittleEndian)
                {
                    var ints = MemoryMarshal.Cast<float, int>(dst.AsSpan());
                    BinaryPrimitives.ReverseEndianness(ints, ints);
                }
                return;
            case "F16" or "BF16" or "F64":
            {
                var buf = new byte[(int)Math.Min(e.End - e.Begin, 1 << 20)];
                long done = 0;
                while (done < dst.Length)
                {
                    int count = (int)Math.Min(dst.Length - done, buf.Length / e.ElementSize);
                    var span = buf.AsSpan(0, count * e.ElementSize);
                    fs.ReadExactly(span);
                    for (int i = 0; i < count; i++)
                        dst[done + i] = e.Dtype switch
                        {
                            "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(span[(2 * i)..]),
                            "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]) << 16),
                            _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(span[(8 * i)..]),
                        };
                    done += count;
                }
                return;
            }
            default:
                throw new ModelCostException(ErrorIds.SafetensorsUnsupportedDtype, ModelCostErrorCategory.InvalidData,
                    $"Safetensors file '{fs.Name}': tensor '{e.Name}' has dtype {e.Dtype}; only floating-point tensors (F32, F16, BF16, F64) can be loaded as weights.",
                    fs.Name) { File = fs.Name };
        }
    }

    private static List<NamedTensor> Validate(IReadOnlyList<NamedTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t is null) throw Invalid("(null)", "a tensor in the list is null.");
            if (string.IsNullOrEmpty(t.Name)) throw Invalid("(empty)", "a tensor has an empty name.");
            if (t.Name == MetadataKey) throw Invalid(t.Name, $"'{MetadataKey}' is reserved for metadata.");
            if (!names.Add(t.Name)) throw Invalid(t.Name, "two tensors share this name.");
            if (t.Shape is null || t.Data is null) throw Invalid(t.Name, "shape or data is null.");
            long elements = 1;
            foreach (var d in t.Shape)
            {
                if (d < 0) throw Invalid(t.Name, $"shape [{string.Join(", ", t.Shape)}] has a negative dimension.");
                elements = checked(elements * d);
            }
            if (elements != t.Data.Length)
                throw Invalid(t.Name, $"shape [{string.Join(", ", t.Shape)}] holds {elements.ToString(CultureInfo.InvariantCulture)} values but the data has {t.Data.Length.ToString(CultureInfo.InvariantCulture)}.");
        }
        var ordered = tensors.ToList();
        ordered.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return ordered;
    }

    private static byte[] BuildHeader(List<NamedTensor> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (k is null || v is null) throw Invalid(MetadataKey, "metadata keys and values must not be null.");
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data that follows is 8-byte aligned (reference behaviour).
        int pad = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    private static ModelCostException Corrupt(string path, string problem) =>
        new(ErrorIds.SafetensorsCorrupt, ModelCostErrorCategory.InvalidData, $"Safetensors file '{path}' is invalid: {problem}", path) { File = path };

    private static ModelCostException Invalid(string tensor, string problem) =>
        new(ErrorIds.InvalidTensor, ModelCostErrorCategory.InvalidArgument, $"Cannot write tensor '{tensor}': {problem}", tensor);
}
