using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Models;

public sealed class SafetensorsFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-st");

    public void Dispose() => _tmp.Dispose();

    /// <summary>A safetensors file from parts, with an optional lying header length.</summary>
    internal static byte[] Raw(string headerJson, byte[] data, ulong? headerLength = null)
    {
        var h = Encoding.UTF8.GetBytes(headerJson);
        var b = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(b, headerLength ?? (ulong)h.Length);
        h.CopyTo(b, 8);
        data.CopyTo(b, 8 + h.Length);
        return b;
    }

    private string Put(string name, byte[] bytes)
    {
        var p = _tmp.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void Writes_the_reference_layout_byte_for_byte()
    {
        // Worked by hand from the format description: header JSON
        //   {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
        // is 5 + 15 + 12 + 20 + 2 = 54 bytes, padded with 2 spaces to 56 (a multiple of 8); the file is
        // 8 (u64 length) + 56 + 8 (two float32) = 72 bytes; 1.0f = 00 00 80 3F, 2.0f = 00 00 00 40 (IEEE 754, LE).
        var path = _tmp.File("a.safetensors");
        long size = SafetensorsFile.Write(path, [new NamedTensor("a", [2], [1f, 2f])], null, overwrite: false);
        var b = File.ReadAllBytes(path);
        Assert.Equal(72, b.Length);
        Assert.Equal(72, size);
        Assert.Equal(56UL, BinaryPrimitives.ReadUInt64LittleEndian(b));
        Assert.Equal("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ", Encoding.UTF8.GetString(b, 8, 56));
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40 }, b[64..]);
    }

    [Fact]
    public void Round_trips_tensors_and_metadata()
    {
        var path = _tmp.File("rt.safetensors");
        var tensors = new[]
        {
            new NamedTensor("z.kernel", [2, 3], [1, -2, 3.5f, float.Epsilon, float.MaxValue, -0f]),
            new NamedTensor("a.bias", [3], [0.1f, 0.2f, 0.3f]),
            new NamedTensor("empty", [0, 4], []),
        };
        var meta = new Dictionary<string, string> { ["modelcost.spec"] = "name: m\nlayers:\n- Dense(10)\n", ["ünïcode"] = "✓ \"quoted\"" };
        SafetensorsFile.Write(path, tensors, meta, overwrite: false);
        var (read, readMeta) = SafetensorsFile.Read(path);
        Assert.Equal(meta, readMeta);
        Assert.Equal(new[] { "a.bias", "empty", "z.kernel" }, read.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var t in tensors)
        {
            var r = read.Single(x => x.Name == t.Name);
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data, r.Data);
        }
        Assert.Equal(0, (new FileInfo(path).Length - 8 - (long)BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path))) % 4);
    }

    [Fact]
    public void PyTorch_reads_what_we_write()
    {
        // Peer: OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/read_safetensors.py read FILE
        // (json + struct + torch.frombuffer only; the safetensors package is not installed here).
        var script = PeerScript();
        if (script is null) { output.WriteLine("skipped: /usr/bin/python3 with torch or tests/peer/read_safetensors.py not found"); return; }
        var path = _tmp.File("for-torch.safetensors");
        SafetensorsFile.Write(path,
        [
            new NamedTensor("conv.kernel", [2, 2, 1, 3], Enumerable.Range(0, 12).Select(i => i * 0.5f - 1).ToArray()),
            new NamedTensor("conv.bias", [3], [0.25f, -0.125f, 1e-7f]),
        ], new Dictionary<string, string> { ["modelcost.spec"] = "x" }, overwrite: false);
        var json = RunPeer(script, "read", path);
        if (json is null) return;
        using var doc = JsonDocument.Parse(json);
        var t = doc.RootElement.GetProperty("tensors");
        Assert.Equal(new[] { 2, 2, 1, 3 }, t.GetProperty("conv.kernel").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        // Values i*0.5-1 for i = 0..11 are exact in binary: -1, -0.5, 0, ..., 4.5.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 0.5 - 1), t.GetProperty("conv.kernel").GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(new[] { 0.25, -0.125, (double)1e-7f }, t.GetProperty("conv.bias").GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("x", doc.RootElement.GetProperty("metadata").GetProperty("modelcost.spec").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("header_len").GetInt32() % 8);
    }

    [Fact]
    public void We_read_what_a_PyTorch_script_writes()
    {
        var script = PeerScript();
        if (script is null) { output.WriteLine("skipped: /usr/bin/python3 with torch or tests/peer/read_safetensors.py not found"); return; }
        var path = _tmp.File("from-torch.safetensors");
        if (RunPeer(script, "write", path) is null) return;
        var (tensors, meta) = SafetensorsFile.Read(path);
        Assert.Equal("torch", meta["source"]);
        // The script writes torch.arange(6).reshape(2, 3) / 4 and [-1.5, 0, 2.25].
        var k = tensors.Single(t => t.Name == "dense.kernel");
        Assert.Equal(new[] { 2, 3 }, k.Shape);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f }, k.Data);
        Assert.Equal(new[] { -1.5f, 0f, 2.25f }, tensors.Single(t => t.Name == "dense.bias").Data);
    }

    internal static string? PeerScript()
    {
        if (!File.Exists("/usr/bin/python3")) return null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "peer", "read_safetensors.py");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private string? RunPeer(string script, string verb, string file)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, verb, file }) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("python peer did not finish in 120 s"); }
        if (p.ExitCode != 0 && stderr.Result.Contains("No module named 'torch'", StringComparison.Ordinal))
        {
            output.WriteLine("skipped: torch is not installed for /usr/bin/python3");
            return null;
        }
        Assert.True(p.ExitCode == 0, "python peer failed: " + stderr.Result);
        return stdout.Result;
    }

    public static TheoryData<string, string, int, string> Hostile => new()
    {
        // name, header JSON, data bytes, expected words in the message
        { "not-json", "{\"a\":", 0, "not valid JSON" },
        { "not-object", "[1,2,3]", 0, "does not start with '{'" },
        { "no-dtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "no string 'dtype'" },
        { "bad-dtype", "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown dtype 'F33'" },
        { "size-mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes but its data_offsets span 8" },
        { "beyond-data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "beyond the 4 data bytes" },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlapping" },
        { "gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "gap" },
        { "trailing", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "trailing bytes" },
        { "duplicate", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "twice" },
        { "meta-number", "{\"__metadata__\":{\"k\":1}}", 0, "not a string" },
        { "negative-dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "not a non-negative integer" },
        { "reversed", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8, "end before they begin" },
        { "overflow", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", 4, "overflows" },
        { "huge-offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,9223372036854775807]}}", 4, "needs 4 bytes" },
        { "offset-2^64", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}", 4, "not a non-negative integer" },
        { "deep", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}", 0, "not valid JSON" },
        { "tensor-not-object", "{\"a\":5}", 0, "not an object" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Lying_or_malformed_headers_are_corrupt(string name, string header, int dataBytes, string expected)
    {
        var path = Put(name + ".safetensors", Raw(header, new byte[dataBytes]));
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(path));
        output.WriteLine(ex.Message);
        Assert.Equal(ErrorIds.SafetensorsCorrupt, ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData(9223372036854775808UL)] // 2^63
    [InlineData(ulong.MaxValue)]
    [InlineData(17UL)]                   // one more than the 16 bytes that follow
    public void A_header_length_beyond_the_file_fails_without_allocating(ulong claimed)
    {
        var path = Put("len.safetensors", Raw("{\"a\":1}        ", [], claimed));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ErrorIds.SafetensorsCorrupt, ex.ErrorId);
        Assert.Contains("header length", ex.Message);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_corrupt()
    {
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(Put("tiny", [1, 2, 3])));
        Assert.Equal(ErrorIds.SafetensorsCorrupt, ex.ErrorId);
        Assert.Contains("3 bytes long", ex.Message);
    }

    [Fact]
    public void Half_bfloat_and_double_are_converted_to_float()
    {
        // IEEE 754 bit patterns, little-endian: F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80, 0.5 = 0x3F00;
        // F64 0.25 = 0x3FD0000000000000.
        byte[] data = [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0x3F, 0, 0, 0, 0, 0, 0, 0xD0, 0x3F];
        var header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                   + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                   + "\"d\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}";
        var (t, _) = SafetensorsFile.Read(Put("mixed", Raw(header, data)));
        Assert.Equal(new[] { 1f, -2f }, t.Single(x => x.Name == "h").Data);
        Assert.Equal(new[] { 1f, 0.5f }, t.Single(x => x.Name == "b").Data);
        Assert.Equal(new[] { 0.25f }, t.Single(x => x.Name == "d").Data);
        Assert.Equal(new[] { 1, 1 }, t.Single(x => x.Name == "d").Shape);
    }

    [Fact]
    public void Integer_tensors_are_a_clear_unsupported_dtype()
    {
        var path = Put("ints", Raw("{\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", new byte[8]));
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(path));
        Assert.Equal(ErrorIds.SafetensorsUnsupportedDtype, ex.ErrorId);
        Assert.Contains("step", ex.Message);
        Assert.Contains("I64", ex.Message);
    }

    [Fact]
    public void Writer_rejects_inconsistent_tensors()
    {
        var path = _tmp.File("bad.safetensors");
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Write(path, [new NamedTensor("w", [2, 2], [1, 2, 3])], null, false));
        Assert.Equal(ErrorIds.InvalidTensor, ex.ErrorId);
        Assert.Contains("holds 4 values but the data has 3", ex.Message);
        ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Write(path, [new NamedTensor("w", [1], [1]), new NamedTensor("w", [1], [2])], null, false));
        Assert.Contains("share this name", ex.Message);
        ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Write(path, [new NamedTensor("__metadata__", [1], [1])], null, false));
        Assert.Contains("reserved", ex.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void No_clobber_and_cancellation_leave_the_old_file()
    {
        var path = Put("keep.safetensors", [42]);
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Write(path, [new NamedTensor("a", [1], [1])], null, overwrite: false));
        Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Write(path, [new NamedTensor("a", [1], [1])], null, overwrite: true, cts.Token));
        Assert.Equal(ErrorIds.OperationCancelled, ex.ErrorId);
        Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(path));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void Missing_file_and_directory()
    {
        Assert.Equal(ErrorIds.DataFileNotFound, Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(_tmp.File("none"))).ErrorId);
        Assert.Equal(ErrorIds.PathIsDirectory, Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(_tmp.Path)).ErrorId);
    }
}
