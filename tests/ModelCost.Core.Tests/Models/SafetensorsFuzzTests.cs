using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Models;

/// <summary>Issue 7 fuzzing for the safetensors reader: arbitrary bytes, mutated files, lying JSON numbers.</summary>
public sealed class SafetensorsFuzzTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-stfuzz");
    private readonly byte[] _valid;

    public SafetensorsFuzzTests()
    {
        var p = _tmp.File("valid.safetensors");
        SafetensorsFile.Write(p,
        [
            new NamedTensor("dense.kernel", [3, 4], Enumerable.Range(0, 12).Select(i => (float)i).ToArray()),
            new NamedTensor("dense.bias", [4], [1, 2, 3, 4]),
            new NamedTensor("bn.gamma", [2], [0.5f, 0.25f]),
        ], new Dictionary<string, string> { ["modelcost.spec"] = "name: m" }, overwrite: false);
        _valid = File.ReadAllBytes(p);
    }

    public void Dispose() => _tmp.Dispose();

    private static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(i => (byte)i);

    private static Config Cases(int n) => Config.QuickThrowOnFailure.WithMaxTest(n).WithQuietOnSuccess(true);

    private Property Holds(Gen<byte[]> gen) => Prop.ForAll(Arb.From(gen), bytes =>
        FuzzHarness.Check(_tmp, bytes, p => SafetensorsFile.Read(p), out var why) ? true.Label("ok") : false.Label(why));

    [Fact]
    public void Arbitrary_bytes_fail_only_with_our_error()
    {
        // Raw random bytes, and random bytes behind a plausible small header length plus '{'.
        var plain = Gen.ArrayOf(AnyByte);
        var framed = from n in Gen.Choose(0, 200)
                     from rest in Gen.ArrayOf(AnyByte)
                     select (byte[])[(byte)n, 0, 0, 0, 0, 0, 0, 0, (byte)'{', .. rest];
        Check.One(Cases(400), Holds(Gen.OneOf(plain, framed)));
    }

    [Fact]
    public void Mutated_valid_files_fail_only_with_our_error_within_bounds()
    {
        var gen = from kind in Gen.Choose(0, 5)
                  from pos in Gen.Choose(0, 100_000)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select FuzzHarness.Mutate(_valid, kind, pos, seed);
        Check.One(Cases(600), Holds(gen));
    }

    [Fact]
    public void Lying_numbers_in_the_header_fail_only_with_our_error()
    {
        // Replace one number in the JSON header (a shape entry or an offset) with an extreme one, keeping the
        // header length consistent, so the lie reaches the offset and size checks rather than the JSON parser.
        var header = Encoding.UTF8.GetString(_valid, 8, (int)BitConverter.ToUInt64(_valid, 0));
        var data = _valid[(8 + Encoding.UTF8.GetByteCount(header))..];
        var numbers = System.Text.RegularExpressions.Regex.Matches(header, "[0-9]+").ToArray();
        string[] lies = ["0", "1", "4", "47", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551615", "-1", "1e9", "3.5"];
        var gen = from which in Gen.Choose(0, numbers.Length - 1)
                  from lie in Gen.Elements(lies)
                  select Rebuild(header, numbers[which], lie, data);
        Check.One(Cases(300), Holds(gen));
    }

    private static byte[] Rebuild(string header, System.Text.RegularExpressions.Match m, string lie, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header[..m.Index] + lie + header[(m.Index + m.Length)..]);
        return [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. data];
    }
}
