using System.Text;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Models;
using ModelCost.Core.Reporting;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Hostile.HostileAssert;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// Issue 7, "Writes": every writer of the core (spec YAML, SVG chart, HTML report, safetensors, trained
/// model, and AtomicFile under them) on a missing folder, an existing file without overwrite, a folder as
/// target, a read-only target, an invalid path and a cancellation. Each time the old file is byte for byte
/// untouched and no temporary file is left in the folder.
/// </summary>
public sealed class WritesHostileTests : IDisposable
{
    private readonly TempFolder _dir = new("mc-hostile-writes");

    public void Dispose()
    {
        foreach (var f in Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories))
            File.SetAttributes(f, FileAttributes.Normal);
        _dir.Dispose();
    }

    private static readonly byte[] Old = Encoding.UTF8.GetBytes("the old file: must survive\n");

    private static ModelSpec Spec() => LayerSpecFactory.Create("w", [4], ["Dense(3, name='out')"]);

    private static TrainedModel Trained()
    {
        // Dense(4 -> 3): kernel (4, 3) and bias (3), as WeightLayout names them.
        var s = Spec();
        return new TrainedModel(s, [new NamedTensor("out.kernel", [4, 3], new float[12]), new NamedTensor("out.bias", [3], new float[3])]);
    }

    private static ChartData Chart(string title = "chart") => new()
    {
        Title = title, Categories = ["a", "b"], Series = [new ChartSeries { Name = "Params", Values = [1.0, 2.0] }],
    };

    /// <summary>Each writer as (path, overwrite, token) → write.</summary>
    public static TheoryData<string> Writers => new() { "ModelSpecYaml.Save", "SvgBarChart.Save", "HtmlReport.Save", "SafetensorsFile.Write", "TrainedModelFile.Save", "AtomicFile.WriteText" };

    private static Action Writer(string name, string path, bool overwrite, CancellationToken ct = default) => name switch
    {
        "ModelSpecYaml.Save" => () => ModelSpecYaml.Save(Spec(), path, overwrite, ct),
        "SvgBarChart.Save" => () => SvgBarChart.Save(Chart(), path, overwrite, ct),
        "HtmlReport.Save" => () => HtmlReport.Save(new ReportData { Title = "r", Charts = [Chart()] }, path, overwrite, ct),
        "SafetensorsFile.Write" => () => SafetensorsFile.Write(path, Trained().Tensors, null, overwrite, ct),
        "TrainedModelFile.Save" => () => TrainedModelFile.Save(Trained(), path, overwrite, ct),
        "AtomicFile.WriteText" => () => AtomicFile.WriteText(path, "text", overwrite, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private string Existing(string name)
    {
        var p = _dir.File(name);
        File.WriteAllBytes(p, Old);
        return p;
    }

    private void Untouched(string path)
    {
        Assert.Equal(Old, File.ReadAllBytes(path));
        Assert.Empty(_dir.TempFiles());
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_missing_folder_is_named_and_not_created(string writer)
    {
        var folder = Path.Combine(_dir.Path, "no-such-folder");
        var path = Path.Combine(folder, "out.file");
        var e = Fails(ErrorIds.DirectoryNotFound, Writer(writer, path, overwrite: true), [folder, "does not exist"], writer);
        Assert.Equal(path, e.File);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(_dir.TempFiles());
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void An_existing_file_without_overwrite_is_file_exists_and_untouched(string writer)
    {
        var path = Existing("keep.file");
        var e = Fails(ErrorIds.FileExists, Writer(writer, path, overwrite: false), [path, "already exists"], writer);
        Assert.Equal(ModelCostErrorCategory.ResourceExists, e.Category);
        Untouched(path);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_directory_as_target_is_named_and_left_alone(string writer)
    {
        var target = Path.Combine(_dir.Path, "a-folder");
        Directory.CreateDirectory(target);
        File.WriteAllBytes(Path.Combine(target, "inside"), Old);
        Fails(ErrorIds.PathIsDirectory, Writer(writer, target, overwrite: true), [target, "directory"], writer);
        Assert.True(Directory.Exists(target));
        Assert.Equal(Old, File.ReadAllBytes(Path.Combine(target, "inside")));
        Assert.Empty(_dir.TempFiles());
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Cancellation_leaves_the_old_file_and_no_temporary(string writer)
    {
        var path = Existing("cancel.file");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var e = Fails(ErrorIds.OperationCancelled, Writer(writer, path, overwrite: true, cts.Token), [path, "cancelled"], writer);
        Assert.Equal(ModelCostErrorCategory.OperationStopped, e.Category);
        Untouched(path);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_read_only_target_is_refused_and_untouched(string writer)
    {
        var path = Existing("readonly.file");
        File.SetAttributes(path, FileAttributes.ReadOnly);
        Fails(ErrorIds.WriteFailed, Writer(writer, path, overwrite: true), [path, "read-only"], writer);
        Untouched(path);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_path_under_a_file_is_a_missing_folder(string writer)
    {
        var file = Existing("plain.file");
        Fails(ErrorIds.DirectoryNotFound, Writer(writer, Path.Combine(file, "child"), overwrite: true), [file], writer);
        Untouched(file);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Empty_and_nul_paths_are_write_errors(string writer)
    {
        Fails(ErrorIds.WriteFailed, Writer(writer, "", overwrite: true), ["not a valid path"], writer + " empty");
        Fails(ErrorIds.WriteFailed, Writer(writer, Path.Combine(_dir.Path, "a\0b"), overwrite: true), ["a\\0b", "not a valid path"], writer + " NUL");
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Overwrite_replaces_the_file_and_leaves_no_temporary(string writer)
    {
        // The control case: the same writers do replace a file when allowed, so the checks above can fail.
        var path = Existing("replace.file");
        Succeeds(() => { Writer(writer, path, overwrite: true)(); return 0; });
        Assert.NotEqual(Old, File.ReadAllBytes(path));
        Assert.Empty(_dir.TempFiles());
    }

    // ---- AtomicFile itself: failures from inside the write ----------------------------------

    [Fact]
    public void Cancelling_from_inside_the_write_callback_keeps_the_old_file()
    {
        var path = Existing("inside.file");
        using var cts = new CancellationTokenSource();
        var e = Fails(ErrorIds.OperationCancelled, () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);   // half written
            cts.Cancel();                  // Ctrl+C arrives
            s.Write(new byte[100_000]);
        }, overwrite: true, cts.Token), [path, "left as it was"]);
        Assert.Equal(path, e.File);
        Untouched(path);
    }

    [Fact]
    public void A_writer_that_observes_the_token_itself_keeps_the_old_file()
    {
        var path = Existing("observes.file");
        using var cts = new CancellationTokenSource();
        Fails(ErrorIds.OperationCancelled, () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10]);
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
        }, overwrite: true, cts.Token), [path]);
        Untouched(path);
    }

    [Fact]
    public void An_io_failure_mid_write_is_write_failed_and_keeps_the_old_file()
    {
        // Simulates a full disk: the stream throws after part of the data is written.
        var path = Existing("diskfull.file");
        var e = Fails(ErrorIds.WriteFailed, () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            throw new IOException("No space left on device");
        }, overwrite: true), [path, "No space left on device", "left as it was"]);
        Assert.IsType<IOException>(e.InnerException);
        Untouched(path);
    }

    [Fact]
    public void A_bug_in_a_writer_propagates_but_still_cleans_up()
    {
        // Not bad input but a programming error: it is not dressed up as a user error, yet nothing is half-written.
        var path = Existing("bug.file");
        var task = Task.Run(() => AtomicFile.Write(path, s => { s.Write(new byte[10]); throw new InvalidOperationException("writer bug"); }, overwrite: true));
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(Bound));
        Assert.IsType<InvalidOperationException>(task.Exception?.InnerException);
        Untouched(path);
    }

    [Fact]
    public void A_long_but_valid_file_name_can_be_written()
    {
        // 250 ASCII characters is within the usual 255-byte file-name limit; the temporary file's name must fit too.
        var path = _dir.File(new string('n', 246) + ".yml");
        Succeeds(() => { ModelSpecYaml.Save(Spec(), path, overwrite: false); return 0; });
        Assert.Equal(Spec(), ModelSpecYaml.Load(path));
        Assert.Empty(_dir.TempFiles());
    }

    // ---- what is written from hostile content ------------------------------------------------

    [Fact]
    public void Markup_in_titles_and_names_is_escaped_in_svg_and_html()
    {
        const string evil = "</title><script>alert(1)</script><img src=x onerror=alert(2)>";
        var chart = new ChartData { Title = evil, Categories = [evil, "b"], Series = [new ChartSeries { Name = evil, Values = [1.0, 2.0] }] };
        var svgPath = _dir.File("evil.svg");
        SvgBarChart.Save(chart, svgPath);
        var htmlPath = _dir.File("evil.html");
        HtmlReport.Save(new ReportData { Title = evil, Charts = [chart], Footer = evil }, htmlPath);
        foreach (var text in new[] { File.ReadAllText(svgPath), File.ReadAllText(htmlPath) })
        {
            Assert.DoesNotContain("<script>", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;", text);
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1.0)]
    public void A_chart_value_that_cannot_be_drawn_is_refused_before_writing(double value)
    {
        var path = Existing("chart.svg");
        var chart = new ChartData { Title = "t", Categories = ["a"], Series = [new ChartSeries { Name = "Params", Values = [value] }] };
        Fails(ErrorIds.InvalidChartData, () => SvgBarChart.Save(chart, path), ["'Params'"], value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Untouched(path);
    }

    [Fact]
    public void A_spec_name_full_of_yaml_syntax_round_trips_as_text()
    {
        // Quotes, a newline, a colon, '#', an alias marker and a tag: written quoted, read back equal, nothing interpreted.
        var spec = LayerSpecFactory.Create("a: b\n# not a comment *alias !!python/object \"q\" \\", [4], ["Dense(3, name='x: y')"]);
        var path = _dir.File("names.yaml");
        ModelSpecYaml.Save(spec, path, overwrite: false);
        Assert.Equal(spec, Succeeds(() => ModelSpecYaml.Load(path)));
    }
}
