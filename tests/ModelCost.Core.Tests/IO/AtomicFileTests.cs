using System.Text;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.IO;

public sealed class AtomicFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-atomic");

    public void Dispose() => _tmp.Dispose();

    private string Existing(string name, string content = "old")
    {
        var p = _tmp.File(name);
        File.WriteAllText(p, content);
        return p;
    }

    [Fact]
    public void Writes_a_new_file_and_leaves_no_temporary()
    {
        var p = _tmp.File("new.txt");
        AtomicFile.WriteText(p, "héllo", overwrite: false);
        // UTF-8 without BOM: h, é (C3 A9), l, l, o.
        Assert.Equal(new byte[] { 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F }, File.ReadAllBytes(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void Overwrite_replaces_the_content()
    {
        var p = Existing("x.txt");
        AtomicFile.WriteText(p, "new", overwrite: true);
        Assert.Equal("new", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void No_clobber_fails_with_FileExists_and_keeps_the_file()
    {
        var p = Existing("keep.txt");
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(p, "new", overwrite: false));
        Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
        Assert.Contains(p, ex.Message);
        Assert.Equal("old", File.ReadAllText(p));
    }

    [Fact]
    public void A_failing_writer_keeps_the_old_file_and_removes_the_temporary()
    {
        var p = Existing("fail.txt");
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(p, s =>
        {
            s.Write(Encoding.UTF8.GetBytes("half written"));
            throw new InvalidOperationException("boom");
        }, overwrite: true));
        Assert.Equal("boom", ex.Message);
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void An_IO_failure_mid_write_is_WriteFailed_and_keeps_the_old_file()
    {
        var p = Existing("io.txt");
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.Write(p, s =>
        {
            s.WriteByte(1);
            throw new IOException("No space left on device");
        }, overwrite: true));
        Assert.Equal(ErrorIds.WriteFailed, ex.ErrorId);
        Assert.Contains("No space left", ex.Message);
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void Cancellation_mid_write_keeps_the_old_file()
    {
        var p = Existing("cancel.txt");
        using var cts = new CancellationTokenSource();
        // The writer is half done when Ctrl+C arrives; it does not look at the token itself.
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.Write(p, s =>
        {
            s.Write(new byte[100_000]);
            cts.Cancel();
            s.Write(new byte[100_000]);
        }, overwrite: true, cts.Token));
        Assert.Equal(ErrorIds.OperationCancelled, ex.ErrorId);
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());

        // A writer that observes the token and throws is treated the same.
        using var cts2 = new CancellationTokenSource();
        ex = Assert.Throws<ModelCostException>(() => AtomicFile.Write(p, s =>
        {
            s.WriteByte(7);
            cts2.Cancel();
            cts2.Token.ThrowIfCancellationRequested();
        }, overwrite: true, cts2.Token));
        Assert.Equal(ErrorIds.OperationCancelled, ex.ErrorId);
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void A_missing_folder_is_DirectoryNotFound()
    {
        var p = Path.Combine(_tmp.Path, "no", "such", "folder", "f.txt");
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(p, "x", overwrite: false));
        Assert.Equal(ErrorIds.DirectoryNotFound, ex.ErrorId);
        Assert.Contains(Path.Combine(_tmp.Path, "no", "such", "folder"), ex.Message);
        Assert.False(Directory.Exists(Path.Combine(_tmp.Path, "no")));
    }

    [Fact]
    public void A_directory_target_is_PathIsDirectory()
    {
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(_tmp.Path, "x", overwrite: true));
        Assert.Equal(ErrorIds.PathIsDirectory, ex.ErrorId);
    }

    [Fact]
    public void A_read_only_target_is_not_replaced()
    {
        // Checked through the read-only attribute (on Unix: the owner write bit), so it holds even for root.
        var p = Existing("ro.txt");
        File.SetAttributes(p, FileAttributes.ReadOnly);
        try
        {
            var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(p, "new", overwrite: true));
            Assert.Equal(ErrorIds.WriteFailed, ex.ErrorId);
            Assert.Contains("read-only", ex.Message);
            Assert.Equal("old", File.ReadAllText(p));
            Assert.Empty(_tmp.TempFiles());
        }
        finally { File.SetAttributes(p, FileAttributes.Normal); }
    }

    [Fact]
    public void A_read_only_folder_fails_cleanly()
    {
        if (OperatingSystem.IsWindows()) { output.WriteLine("skipped: folder permissions are Unix modes here"); return; }
        var dir = Path.Combine(_tmp.Path, "locked");
        Directory.CreateDirectory(dir);
        var p = Path.Combine(dir, "f.txt");
        File.WriteAllText(p, "old");
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            // root (as in this CI container) ignores mode bits; probe instead of guessing from the user name.
            var probe = Path.Combine(dir, ".probe");
            try
            {
                File.WriteAllText(probe, "");
                File.Delete(probe);
                output.WriteLine("skipped: this process can write into a 0500 folder (running as root), so the OS cannot make the write fail");
                return;
            }
            catch (UnauthorizedAccessException) { }
            var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(p, "new", overwrite: true));
            Assert.Equal(ErrorIds.WriteFailed, ex.ErrorId);
            Assert.Contains(p, ex.Message);
            Assert.Equal("old", File.ReadAllText(p));
        }
        finally
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Assert.Empty(_tmp.TempFiles(dir));
    }
}
