using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>
/// Issue 7 fuzzing: arbitrary text and mutated valid inputs into the layer-string parser, the YAML loader and the
/// Keras JSON importer never raise anything but <see cref="ModelCostException"/> and finish in bounded time.
/// </summary>
public class SpecFuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(2);

    // Characters that matter to the three grammars, plus arbitrary UTF-16 code units.
    private const string Interesting = "()[]{},:='\"_.-+ 0123456789eEDnseTFNrlu\n\t\r!&*#|>~\\%@`?";

    private static readonly Gen<string> NoiseText =
        Gen.Frequency(
            (4, Gen.Elements(Interesting.ToCharArray())),
            (1, Gen.Choose(0, 0xFFFF).Select(i => (char)i)))
        .ArrayOf().Select(a => new string(a));

    private static readonly string[] LayerStrings =
    [
        "Conv2D(16, 3, activation=relu)", "Conv2D(50, (3, 3), activation=\"relu\", padding=\"same\")", "MaxPooling2D((2, 2))",
        "Flatten()", "Dense(10, activation=\"softmax\", input_shape=(784,))", "LSTM(3)", "tf.keras.layers.ZeroPadding2D(((1, 2), (3, 4)))",
        "BatchNormalization(epsilon=1e-5, momentum=0.9, name='bn')", "GRU(4, return_sequences=True, reset_after=False)",
    ];

    private static string[] YamlSeeds() =>
        new[] { "seed000_cnn.yaml", "seed002_model3.yaml", "seed003_q6_rnn.yaml", "resnet18.yaml" }.Select(f => File.ReadAllText(ExampleSpecsTests.ExamplePath(f))).ToArray();

    private static string[] JsonSeeds() =>
        new[] { "keras3_seed000_cnn.json", "keras2_functional_seed002_model1.json" }.Select(f => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specs", "Fixtures", f))).ToArray();

    /// <summary>One edit of a valid input: delete, insert noise, duplicate, swap or truncate a span.</summary>
    private static Gen<string> Mutate(string s) =>
        from kind in Gen.Choose(0, 5)
        from a in Gen.Choose(0, s.Length)
        from b in Gen.Choose(0, s.Length)
        from noise in NoiseText.Resize(12)
        select Apply(s, kind, Math.Min(a, b), Math.Max(a, b), noise);

    private static string Apply(string s, int kind, int lo, int hi, string noise) => kind switch
    {
        0 => s.Remove(lo, Math.Min(hi - lo, 40)),
        1 => s.Insert(lo, noise),
        2 => s.Insert(lo, s.Substring(lo, Math.Min(hi - lo, 200))),
        3 => s[..lo],
        4 => lo < s.Length && hi < s.Length ? Swap(s, lo, hi) : s,
        _ => s.Insert(lo, Digits(noise.Length)),
    };

    private static string Swap(string s, int i, int j)
    {
        var c = s.ToCharArray();
        (c[i], c[j]) = (c[j], c[i]);
        return new string(c);
    }

    private static string Digits(int n) => new('9', 5 + n); // absurd sizes: 99999 ... beyond int

    private static Gen<string> Mutated(string[] seeds) =>
        from seed in Gen.Elements(seeds)
        from n in Gen.Choose(1, 4)
        from result in MutateTimes(seed, n)
        select result;

    private static Gen<string> MutateTimes(string s, int n) => n == 0 ? Gen.Constant(s) : Mutate(s).SelectMany(m => MutateTimes(m, n - 1));

    /// <summary>True when the call succeeds or fails with our exception, within the time bound; otherwise the property fails.</summary>
    private static bool OnlyOurErrors(Action parse, string input)
    {
        var sw = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { parse(); }
        catch (ModelCostException ex)
        {
            Assert.False(string.IsNullOrEmpty(ex.ErrorId));
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\nInput: {Escape(input)}");
        }
        if (sw.Elapsed > PerCase) throw new Xunit.Sdk.XunitException($"took {sw.Elapsed} on input {Escape(input)}");
        // Nothing may allocate in proportion to a number read from the input: work stays proportional to the text.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > 32L * 1024 * 1024 + 400L * input.Length)
            throw new Xunit.Sdk.XunitException($"allocated {allocated} bytes for {input.Length} characters: {Escape(input)}");
        return true;
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length > 400 ? s[..400] : s) sb.Append(c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.ToString();
    }

    private static Config Cfg(int n) => Config.QuickThrowOnFailure.WithMaxTest(n).WithQuietOnSuccess(true);

    [Fact]
    public void LayerParserOnNoise() =>
        Check.One(Cfg(500), Prop.ForAll(Arb.From(NoiseText), s => OnlyOurErrors(() => LayerSpecParser.ParseWithInputShape(s), s)));

    [Fact]
    public void LayerParserOnMutatedStrings() =>
        Check.One(Cfg(800), Prop.ForAll(Arb.From(Mutated(LayerStrings)), s => OnlyOurErrors(() => LayerSpecParser.ParseWithInputShape(s), s)));

    [Fact]
    public void YamlOnNoise() =>
        Check.One(Cfg(400), Prop.ForAll(Arb.From(NoiseText), s => OnlyOurErrors(() => ModelSpecYaml.Parse(s), s)));

    [Fact]
    public void YamlOnMutatedExamples() =>
        Check.One(Cfg(300), Prop.ForAll(Arb.From(Mutated(YamlSeeds())), s => OnlyOurErrors(() => ModelSpecYaml.Parse(s), s)));

    [Fact]
    public void KerasJsonOnNoise() =>
        Check.One(Cfg(400), Prop.ForAll(Arb.From(NoiseText), s => OnlyOurErrors(() => KerasJsonImporter.Parse(s), s)));

    [Fact]
    public void KerasJsonOnMutatedFixtures() =>
        Check.One(Cfg(300), Prop.ForAll(Arb.From(Mutated(JsonSeeds())), s => OnlyOurErrors(() => KerasJsonImporter.Parse(s), s)));

    [Fact]
    public void ReaderOnMutatedInputsOfBothFormats() =>
        Check.One(Cfg(200), Prop.ForAll(Arb.From(Mutated([.. YamlSeeds(), .. JsonSeeds()])), s => OnlyOurErrors(() => ModelSpecReader.Parse(s, "fuzz"), s)));

    [Fact]
    public void SerializeOfParsedMutantsRoundTrips()
    {
        // Whatever mutant parses must also survive spec → YAML → spec.
        Check.One(Cfg(200), Prop.ForAll(Arb.From(Mutated(YamlSeeds())), s =>
        {
            ModelSpec spec;
            try { spec = ModelSpecYaml.Parse(s); }
            catch (ModelCostException) { return true; }
            return spec.Equals(ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec)));
        }));
    }

    [Fact]
    public void LoneSurrogateInYamlIsRejectedNotRoundTrippedIntoInvalidYaml()
    {
        // Found by SerializeOfParsedMutantsRoundTrips: a raw lone surrogate (U+D800) in a plain scalar was accepted,
        // and the YAML written back could not be read. A lone surrogate is not Unicode text, so parsing must refuse it.
        var yaml = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: m\ud800x\nspec:\n  inputShape: [4]\n  layers:\n    - type: Dense\n      units: 2\n";
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(yaml));
        Assert.Equal(ErrorIds.YamlSchema, ex.ErrorId);
        Assert.Equal(4, ex.Line);
    }
}
