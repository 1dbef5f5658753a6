using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7 says every parser is covered: user convention files (Measure-ModelCost -Convention path.yaml)
/// are YAML from users too. Before the fix they went through YamlDotNet's representation model, which
/// recursed per nesting level (a deep file crashed the process with a stack overflow) and leaked
/// InvalidOperationException/ArgumentException on malformed text.
/// </summary>
public sealed class ConventionsHostileTests : IDisposable
{
    private readonly TempFolder _dir = new("mc-hostile-conv");

    public void Dispose() => _dir.Dispose();

    private static Action Parse(string yaml) => () => CostConvention.Parse(yaml, "conv.yaml");

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        // 200,000 unclosed and 100,000 closed flow sequences.
        Fails(ErrorIds.InvalidConvention, Parse("name: a\ncosts: " + new string('[', 200_000)), ["conv.yaml:2:", "nests deeper"], "unclosed");
        Fails(ErrorIds.InvalidConvention, Parse("name: a\nx: " + new string('[', 100_000) + new string(']', 100_000) + "\ncosts: {}"), ["nests deeper"], "closed");
    }

    [Fact]
    public void A_self_referencing_complex_key_is_an_error_not_a_stack_overflow()
    {
        // "? &a [*a]" makes a list that contains itself and uses it as a mapping key; hashing it recursed forever.
        Fails(ErrorIds.InvalidConvention, Parse("name: a\ncosts:\n  ? &a [*a]\n  : 1\n"), ["conv.yaml:3:", "'*a'"]);
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        var sb = new StringBuilder("name: x\nl0: &l0 [a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i <= 9; i++) sb.Append($"l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))).Append("]\n");
        sb.Append("costs: {MatMulMac: 2}\n");
        Fails(ErrorIds.InvalidConvention, Parse(sb.ToString()), ["aliases"]);
    }

    [Theory]
    // The two shapes the fuzzer found leaking InvalidOperationException and ArgumentException from YamlDotNet.
    [InlineData("name: 'a'\ndescription?: \"d\"\ncosts: {MatM\nuMac: 2, ConvMac: 2}\n")]
    [InlineData("name: X\nbase>: tfprofiler\ncost,:\n : Activ`ation.softmax: 6\n  Activatin.relu: 1\n")]
    [InlineData("name: X\ncosts: {MatMulMac: [2\n")]
    public void Malformed_text_is_invalid_convention_with_a_position(string yaml)
    {
        var e = Fails(ErrorIds.InvalidConvention, Parse(yaml), ["conv.yaml"], yaml[..12]);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void Tags_duplicates_and_empty_documents_are_named()
    {
        Fails(ErrorIds.InvalidConvention, Parse("name: !!python/object:os.system x\ncosts: {}"), ["not allowed"], "tag");
        Fails(ErrorIds.InvalidConvention, Parse("name: a\nname: b\ncosts: {MatMulMac: 2}"), ["conv.yaml:2:1", "'name' appears twice"], "duplicate key");
        Fails(ErrorIds.InvalidConvention, Parse(""), ["empty"], "empty");
        Fails(ErrorIds.InvalidConvention, Parse("name: a\ncosts: {MatMulMac: 99999999999999999999}"), ["99999999999999999999", "whole number"], "beyond long");
    }

    [Fact]
    public void Bad_paths_are_named()
    {
        Fails(ErrorIds.UnknownConvention, () => CostConvention.Load(_dir.File("none.yaml")), ["none.yaml", "does not exist"], "missing");
        Fails(ErrorIds.UnknownConvention, () => CostConvention.Resolve(_dir.Path), ["a folder"], "folder");
        Fails(ErrorIds.UnknownConvention, () => CostConvention.Load("a\0b"), ["not a valid path"], "NUL");
    }

    [Fact]
    public void Mutated_convention_files_fail_only_with_our_error()
    {
        // Byte mutations (flips, truncation, extreme values, garbage, spliced slices) of two valid files.
        byte[][] valid =
        [
            Encoding.UTF8.GetBytes("name: X\nbase: tfprofiler\ncosts:\n  Activation.softmax: 6\n  Activation.relu: 1\n"),
            Encoding.UTF8.GetBytes("name: 'a'\ndescription: \"d\"\ncosts: {MatMulMac: 2, ConvMac: 2}\n"),
        ];
        var gen = from v in Gen.Elements(valid)
                  from kind in Gen.Choose(0, 5)
                  from pos in Gen.Choose(0, 10_000)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select FuzzHarness.Mutate(v, kind, pos, seed);
        var prop = Prop.ForAll(Arb.From(gen), bytes =>
            FuzzHarness.Check(_dir, bytes, p => CostConvention.Load(p), out var why) ? true.Label("ok") : false.Label(why));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), prop);
    }

    [Fact]
    public void Random_yaml_punctuation_fails_only_with_our_error()
    {
        // Text made of YAML's structural characters is where the representation model leaked other exceptions.
        var gen = Gen.ArrayOf(Gen.Elements("{}[]:,-?&*!|>'\"#%@`\n \tabc019.~".ToCharArray())).Select(cs => Encoding.UTF8.GetBytes("name: x\ncosts:\n " + new string(cs)));
        var prop = Prop.ForAll(Arb.From(gen), bytes =>
            FuzzHarness.Check(_dir, bytes, p => CostConvention.Load(p), out var why) ? true.Label("ok") : false.Label(why));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), prop);
    }
}
