using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Data;

/// <summary>Issue 7 fuzzing for the IDX reader: arbitrary and mutated files.</summary>
public sealed class IdxFuzzTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-idxfuzz");

    public void Dispose() => _tmp.Dispose();

    private static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(i => (byte)i);

    private static void ParseAll(string path)
    {
        // Both readers on every input; anything but our error from either escapes to the harness.
        try { IdxReader.ReadImages(path); }
        catch (ModelCostException) { }
        IdxReader.ReadLabels(path);
    }

    private static Config Cases(int n) => Config.QuickThrowOnFailure.WithMaxTest(n).WithQuietOnSuccess(true);

    [Fact]
    public void Arbitrary_bytes_fail_only_with_our_error()
    {
        // Random bytes, and random bytes behind the prefixes that reach deeper code: the IDX magics and the gzip magic.
        byte[][] prefixes = [[], [0, 0, 8, 3], [0, 0, 8, 1], [0x1f, 0x8b], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]];
        var gen = Gen.Elements(prefixes).SelectMany(p => Gen.ArrayOf(AnyByte).Select(rest => (byte[])[.. p, .. rest]));
        var prop = Prop.ForAll(Arb.From(gen), bytes =>
            FuzzHarness.Check(_tmp, bytes, ParseAll, out var why) ? true.Label("ok") : false.Label(why));
        Check.One(Cases(400), prop);
    }

    [Fact]
    public void Mutated_valid_files_fail_only_with_our_error_within_bounds()
    {
        var rawImages = IdxTestFiles.Images(6, 5, 4, IdxTestFiles.Pixels(120, seed: 3));
        var rawLabels = IdxTestFiles.Labels([1, 2, 3, 4, 5, 6]);
        byte[][] valid = [rawImages, rawLabels, IdxTestFiles.Gzip(rawImages), IdxTestFiles.Gzip(rawLabels)];
        var gen = from v in Gen.Elements(valid)
                  from kind in Gen.Choose(0, 5)
                  from pos in Gen.Choose(0, 10_000)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select FuzzHarness.Mutate(v, kind, pos, seed);
        var prop = Prop.ForAll(Arb.From(gen), bytes =>
            FuzzHarness.Check(_tmp, bytes, ParseAll, out var why) ? true.Label("ok") : false.Label(why));
        Check.One(Cases(600), prop);
    }

    [Fact]
    public void Headers_claiming_huge_counts_allocate_nothing_in_proportion()
    {
        // Any (count, rows, cols) in a 16-byte-header file with 0..64 data bytes, raw or gzip:
        // allocation is bounded by the file, never by count x rows x cols.
        var gen = from count in Gen.Choose(0, int.MaxValue)
                  from rows in Gen.Choose(0, int.MaxValue)
                  from cols in Gen.Choose(0, 100_000)
                  from n in Gen.Choose(0, 64)
                  from gz in Gen.Elements(false, true)
                  let raw = IdxTestFiles.Images(count, rows, cols, new byte[n])
                  select gz ? IdxTestFiles.Gzip(raw) : raw;
        var prop = Prop.ForAll(Arb.From(gen), bytes =>
            FuzzHarness.Check(_tmp, bytes, p => IdxReader.ReadImages(p), out var why) ? true.Label("ok") : false.Label(why));
        Check.One(Cases(300), prop);
    }
}
