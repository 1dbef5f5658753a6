using System.Buffers.Binary;
using System.Text;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Models": safetensors files from the internet through SafetensorsFile.Read and
/// TrainedModelFile.Load. Files are built byte by byte from the format description: an 8-byte
/// little-endian header length N, N bytes of JSON, then the tensor bytes at data_offsets.
/// </summary>
public sealed class SafetensorsHostileTests : IDisposable
{
    private readonly TempFolder _dir = new("mc-hostile-st");

    public void Dispose() => _dir.Dispose();

    private string Raw(string name, string header, int dataBytes, ulong? claimedLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var b = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(b, claimedLength ?? (ulong)h.Length);
        h.CopyTo(b, 8);
        var p = _dir.File(name);
        File.WriteAllBytes(p, b);
        return p;
    }

    private string Bytes(string name, byte[] bytes)
    {
        var p = _dir.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static Action Read(string path) => () => SafetensorsFile.Read(path);

    // ---- truncated and lying headers --------------------------------------------------------

    [Fact]
    public void A_file_shorter_than_the_length_field_is_corrupt()
    {
        var p = Bytes("five-bytes", [1, 2, 3, 4, 5]);
        var e = Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "5 bytes", "8-byte header length"], "5 bytes");
        Assert.Equal(p, e.File);
        var q = Bytes("empty", []);
        Fails(ErrorIds.SafetensorsCorrupt, Read(q), [q, "0 bytes"], "empty");
    }

    [Fact]
    public void A_header_length_of_two_to_the_63_fails_from_the_length_alone()
    {
        // 2^63 = 9,223,372,036,854,775,808 header bytes claimed by a 40-byte file.
        var p = Raw("huge-header", "{}", 30, claimedLength: 1UL << 63);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "9223372036854775808"]);
        Assert.True(DataHostileTests.AllocatedBy(() => SafetensorsFile.Read(p)) < 1_000_000, "the claimed header is never allocated");
        var q = Raw("max-header", "{}", 0, claimedLength: ulong.MaxValue);
        Fails(ErrorIds.SafetensorsCorrupt, Read(q), [q, "18446744073709551615"], "2^64-1");
    }

    [Fact]
    public void A_header_running_past_the_end_of_the_file_is_corrupt()
    {
        // The header says 100 bytes; 2 + 0 follow.
        var p = Raw("short", "{}", 0, claimedLength: 100);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "100", "only 2 bytes follow"]);
    }

    [Fact]
    public void Offsets_beyond_the_file_are_named()
    {
        // [2] F32 needs 8 bytes at [0, 8) but the file holds 4 data bytes.
        var p = Raw("beyond", "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "'w'", "ends at data offset 8", "4 data bytes"]);
    }

    [Fact]
    public void Offsets_that_disagree_with_the_shape_are_named()
    {
        // [3] F32 is 12 bytes; the offsets span 8.
        var p = Raw("span", "{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "'w'", "needs 12 bytes", "span 8"]);
    }

    [Fact]
    public void Offsets_that_end_before_they_begin_or_are_negative_are_named()
    {
        var p = Raw("backwards", "{\"w\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [8, 4]}}", 8);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "end before they begin"], "backwards");
        var q = Raw("negative", "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(q), [q, "-4"], "negative");
        var r = Raw("huge", "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [18446744073709551612, 18446744073709551616]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(r), [r, "data offset"], "beyond 2^64");
    }

    [Fact]
    public void Overlapping_gapped_and_trailing_tensors_are_refused()
    {
        var overlap = Raw("overlap", "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8);
        Fails(ErrorIds.SafetensorsCorrupt, Read(overlap), [overlap, "overlapping"], "overlap");
        var gap = Raw("gap", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8);
        Fails(ErrorIds.SafetensorsCorrupt, Read(gap), [gap, "gap"], "gap");
        var trailing = Raw("trailing", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 12);
        Fails(ErrorIds.SafetensorsCorrupt, Read(trailing), [trailing, "trailing"], "trailing");
    }

    [Fact]
    public void A_shape_whose_element_count_overflows_is_refused_before_allocating()
    {
        // (2^31-1)^2 ≈ 4.6e18 elements × 4 bytes overflows a long.
        var p = Raw("overflow", "{\"w\": {\"dtype\": \"F32\", \"shape\": [2147483647, 2147483647], \"data_offsets\": [0, 4]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(p), [p, "'w'", "overflows"]);
        var q = Raw("bigdim", "{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296], \"data_offsets\": [0, 4]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(q), [q, "4294967296"], "dimension beyond int");
        var r = Raw("negdim", "{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", 4);
        Fails(ErrorIds.SafetensorsCorrupt, Read(r), [r, "-1"], "negative dimension");
    }

    [Fact]
    public void A_header_that_is_not_json_or_not_utf8_is_corrupt()
    {
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("notjson", "{\"w\": [1, 2", 0)), ["not valid JSON"], "unclosed");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("array", "[1, 2, 3]", 0)), ["'{'"], "array");
        var bad = new byte[8 + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bad, 4);
        bad[8] = (byte)'{'; bad[9] = 0xC3; bad[10] = 0x28; bad[11] = (byte)'}'; // 0xC3 0x28 is an invalid UTF-8 sequence
        Fails(ErrorIds.SafetensorsCorrupt, Read(Bytes("notutf8", bad)), ["UTF-8"], "invalid UTF-8");
    }

    [Fact]
    public void Names_and_metadata_that_are_malformed_are_corrupt()
    {
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("dup", "{\"w\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]}, \"w\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]}}", 0)), ["'w' twice"], "duplicate tensor");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("meta", "{\"__metadata__\": [\"x\"]}", 0)), ["__metadata__"], "metadata list");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("metaval", "{\"__metadata__\": {\"k\": 5}}", 0)), ["'k'"], "metadata number");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("dtype", "{\"w\": {\"dtype\": \"F128\", \"shape\": [1], \"data_offsets\": [0, 16]}}", 16)), ["'F128'"], "unknown dtype");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("noshape", "{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4)), ["'w'", "shape"], "no shape");
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_name_or_metadata_is_corrupt_not_a_crash()
    {
        // "\ud800" is valid JSON escape syntax but not valid text.
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("surrogate-name", "{\"\\ud800\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4)), ["surrogate"], "tensor name");
        Fails(ErrorIds.SafetensorsCorrupt, Read(Raw("surrogate-meta", "{\"__metadata__\": {\"k\": \"\\udc00\"}}", 0)), ["surrogate"], "metadata value");
    }

    [Fact]
    public void An_integer_tensor_cannot_be_loaded_as_weights()
    {
        var p = Raw("ints", "{\"w\": {\"dtype\": \"I32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8);
        Fails(ErrorIds.SafetensorsUnsupportedDtype, Read(p), [p, "'w'", "I32"]);
    }

    [Fact]
    public void A_directory_missing_file_and_invalid_path_are_named()
    {
        Fails(ErrorIds.PathIsDirectory, Read(_dir.Path), [_dir.Path, "directory"], "directory");
        Fails(ErrorIds.DataFileNotFound, Read(_dir.File("nope.safetensors")), ["nope.safetensors", "does not exist"], "missing");
        Fails(ErrorIds.DataFileNotFound, () => TrainedModelFile.Load(""), ["not a valid path"], "empty path");
    }

    // ---- a spec in the metadata that does not match the tensors -------------------------------

    private static ModelSpec Dense(int inputs, int units) =>
        LayerSpecFactory.Create("d", [inputs], [$"Dense({units}, name='out')"]);

    private string ModelFile(string name, ModelSpec metadataSpec, params NamedTensor[] tensors)
    {
        var p = _dir.File(name);
        SafetensorsFile.Write(p, tensors, new Dictionary<string, string>
        {
            [TrainedModelFile.SpecKey] = ModelSpecYaml.Serialize(metadataSpec),
            [TrainedModelFile.FormatKey] = "1",
        }, overwrite: true);
        return p;
    }

    private static NamedTensor T(string name, params int[] shape) =>
        new(name, shape, new float[shape.Aggregate(1, (a, b) => a * b)]);

    [Fact]
    public void Metadata_spec_disagreeing_with_a_tensor_shape_names_tensor_and_both_shapes()
    {
        // The metadata says Dense(4 -> 5): kernel (4, 5), bias (5). The file holds a Dense(4 -> 3).
        var p = ModelFile("shape.safetensors", Dense(4, 5), T("out.kernel", 4, 3), T("out.bias", 3));
        var e = Fails(ErrorIds.SpecTensorMismatch, () => TrainedModelFile.Load(p), [p, "'out.kernel'", "(4, 3)", "(4, 5)"]);
        Assert.Equal(p, e.File);
    }

    [Fact]
    public void Metadata_spec_with_a_missing_or_extra_tensor_names_it()
    {
        var missing = ModelFile("missing.safetensors", Dense(4, 3), T("out.kernel", 4, 3));
        Fails(ErrorIds.SpecTensorMismatch, () => TrainedModelFile.Load(missing), ["lacks tensor 'out.bias'"], "missing");
        var extra = ModelFile("extra.safetensors", Dense(4, 3), T("out.kernel", 4, 3), T("out.bias", 3), T("evil.payload", 1));
        Fails(ErrorIds.SpecTensorMismatch, () => TrainedModelFile.Load(extra), ["'evil.payload'"], "extra");
    }

    [Fact]
    public void Metadata_spec_that_is_hostile_yaml_fails_as_yaml_naming_the_file()
    {
        var p = _dir.File("bomb.safetensors");
        var lines = new List<string> { "apiVersion: modelcost/v1", "kind: ModelSpec", "metadata: {name: bomb}", "spec:", "  inputShape: [4]", "  layers:", "    - &l0 {type: Dense, units: 3}" };
        for (int i = 1; i <= 9; i++) lines.Add($"    - &l{i} [" + string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9)) + "]");
        SafetensorsFile.Write(p, [T("out.kernel", 4, 3)], new Dictionary<string, string> { [TrainedModelFile.SpecKey] = string.Join("\n", lines) }, overwrite: true);
        Fails(ErrorIds.SpecTooLarge, () => TrainedModelFile.Load(p), [p, TrainedModelFile.SpecKey], "alias bomb");
        var q = _dir.File("badspec.safetensors");
        SafetensorsFile.Write(q, [T("out.kernel", 4, 3)], new Dictionary<string, string> { [TrainedModelFile.SpecKey] = "apiVersion: modelcost/v1\nkind: [" }, overwrite: true);
        Fails(ErrorIds.YamlSyntax, () => TrainedModelFile.Load(q), [q], "syntax");
    }

    [Fact]
    public void A_plain_safetensors_file_without_a_spec_or_from_a_newer_format_is_named()
    {
        var p = _dir.File("plain.safetensors");
        SafetensorsFile.Write(p, [T("w", 2)], null, overwrite: true);
        Fails(ErrorIds.ModelMetadataMissing, () => TrainedModelFile.Load(p), [p, TrainedModelFile.SpecKey], "no spec");
        var q = _dir.File("future.safetensors");
        SafetensorsFile.Write(q, [T("out.kernel", 4, 3), T("out.bias", 3)], new Dictionary<string, string>
        {
            [TrainedModelFile.SpecKey] = ModelSpecYaml.Serialize(Dense(4, 3)),
            [TrainedModelFile.FormatKey] = "999",
        }, overwrite: true);
        Fails(ErrorIds.UnsupportedModelFormat, () => TrainedModelFile.Load(q), [q, "999"], "newer format");
    }
}
