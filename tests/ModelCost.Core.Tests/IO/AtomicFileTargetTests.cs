using System.Diagnostics;
using System.Runtime.InteropServices;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using Xunit;

namespace ModelCost.Core.Tests.IO;

/// <summary>
/// What an atomic write does to what it overwrites (issue 15, item 1): device nodes, FIFOs and sockets are
/// refused, symbolic links are followed and stay links, a replaced file keeps its mode and owner, and a
/// file that appears during a no-clobber write is never replaced. The tests run as root in CI, so they
/// check the bits and owner of the result rather than relying on access being denied.
/// </summary>
public sealed class AtomicFileTargetTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-targets");

    public void Dispose() => _tmp.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int mknod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong dev);

    [DllImport("libc")]
    private static extern uint geteuid();

    private static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    [SkippableFact]
    public void A_named_pipe_is_refused_and_stays_a_pipe()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "mkfifo and statx are Linux calls here");
        var fifo = _tmp.File("pipe.yaml");
        Assert.Equal(0, mkfifo(fifo, Convert.ToUInt32("644", 8)));
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(fifo, "x", overwrite: true));
        Assert.Equal(ErrorIds.NotRegularFile, ex.ErrorId);
        Assert.Contains("named pipe", ex.Message);
        Assert.Equal(FileNodeKind.Fifo, FileNodeStatus.Get(fifo).Kind);
        Assert.Empty(_tmp.TempFiles());
    }

    [SkippableFact]
    public void A_character_device_is_refused_and_stays_a_device()
    {
        Skip.IfNot(IsRoot, "creating a device node needs root (CI runs as root)");
        // Our own node with /dev/null's numbers (major 1, minor 3; S_IFCHR = 0x2000), never /dev/null itself.
        var dev = _tmp.File("null");
        Assert.Equal(0, mknod(dev, 0x2000 | Convert.ToUInt32("666", 8), (1UL << 8) | 3));
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.Write(dev, s => s.WriteByte(1), overwrite: true));
        Assert.Equal(ErrorIds.NotRegularFile, ex.ErrorId);
        Assert.Contains("character device", ex.Message);
        Assert.Equal(FileNodeKind.CharacterDevice, FileNodeStatus.Get(dev).Kind);
    }

    [SkippableFact]
    public void A_symbolic_link_is_followed_and_stays_a_link()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        Directory.CreateDirectory(_tmp.File("real"));
        var target = _tmp.File("real/spec.yaml");
        File.WriteAllText(target, "old");
        var link = _tmp.File("link.yaml");
        File.CreateSymbolicLink(link, "real/spec.yaml");

        AtomicFile.WriteText(link, "new", overwrite: true);

        Assert.Equal("real/spec.yaml", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Empty(_tmp.TempFiles());
    }

    [SkippableFact]
    public void A_dangling_link_creates_its_target()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        var link = _tmp.File("dangling.yaml");
        File.CreateSymbolicLink(link, "missing.yaml");
        AtomicFile.WriteText(link, "made", overwrite: false);
        Assert.Equal("made", File.ReadAllText(_tmp.File("missing.yaml")));
        Assert.Equal("missing.yaml", new FileInfo(link).LinkTarget);
    }

    [SkippableFact]
    public void A_link_loop_is_a_write_failure_naming_the_path()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        File.CreateSymbolicLink(_tmp.File("a"), "b");
        File.CreateSymbolicLink(_tmp.File("b"), "a");
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.WriteText(_tmp.File("a"), "x", overwrite: true));
        Assert.Equal(ErrorIds.WriteFailed, ex.ErrorId);
        Assert.Contains(_tmp.File("a"), ex.Message);
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // skipped there by its first line
    public void An_overwritten_file_keeps_its_mode()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permission bits");
        var p = _tmp.File("private.safetensors");
        File.WriteAllText(p, "old");
        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite); // chmod 600
        AtomicFile.WriteText(p, "new", overwrite: true);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(p));

        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead); // chmod 740
        AtomicFile.WriteText(p, "newer", overwrite: true);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead, File.GetUnixFileMode(p));
        Assert.Equal("newer", File.ReadAllText(p));
    }

    [SkippableFact]
    public void An_overwritten_file_keeps_its_owner_and_group_when_written_by_root()
    {
        Skip.IfNot(IsRoot, "only root may give a file to another user");
        var p = _tmp.File("owned.yaml");
        File.WriteAllText(p, "old");
        using (var chown = Process.Start("chown", ["1234:2345", p])) chown.WaitForExit();
        Assert.Equal((1234u, 2345u), (FileNodeStatus.Get(p).Uid!.Value, FileNodeStatus.Get(p).Gid!.Value));

        AtomicFile.WriteText(p, "new", overwrite: true);

        var after = FileNodeStatus.Get(p);
        Assert.Equal(1234u, after.Uid);
        Assert.Equal(2345u, after.Gid);
        Assert.Equal("new", File.ReadAllText(p));
    }

    [Fact]
    public void A_file_that_appears_during_a_no_clobber_write_is_kept_and_reported_as_FileExists()
    {
        var p = _tmp.File("race.yaml");
        // Another process creates the file after the existence check, while our bytes are being written.
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.Write(p, s =>
        {
            File.WriteAllText(p, "theirs");
            s.WriteByte((byte)'o');
        }, overwrite: false));
        Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
        Assert.Equal("theirs", File.ReadAllText(p));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void CheckTarget_refuses_a_missing_folder_before_anything_is_written()
    {
        var p = _tmp.File("no/such/folder/x.yaml");
        var ex = Assert.Throws<ModelCostException>(() => AtomicFile.CheckTarget(p, overwrite: true));
        Assert.Equal(ErrorIds.DirectoryNotFound, ex.ErrorId);
        Assert.False(Directory.Exists(_tmp.File("no")));
    }

    [Theory]
    [InlineData(".hidden", "_hidden")]
    [InlineData("a:b*c?d", "a_b_c_d")]
    [InlineData("x\"<>|y", "x____y")]
    [InlineData("tab\there", "tab_here")]
    [InlineData("ends with dots...", "ends with dots")]
    [InlineData("..", "model")]
    public void SafeFileName_makes_portable_visible_names(string name, string expected) =>
        Assert.Equal(expected, ExportTargets.SafeFileName(name));

    [Fact]
    public void SafeFileName_caps_the_name_at_150_UTF8_bytes_without_splitting_a_character()
    {
        // 'é' is two UTF-8 bytes: 100 of them are 200 bytes, cut to 75 characters = 150 bytes.
        var s = ExportTargets.SafeFileName(new string('é', 100));
        Assert.Equal(75, s.Length);
        // '😀' is a surrogate pair (4 UTF-8 bytes): 37 whole ones = 148 bytes; a 38th would pass 150.
        var emoji = ExportTargets.SafeFileName(string.Concat(Enumerable.Repeat("😀", 60)));
        Assert.Equal(74, emoji.Length);
        Assert.False(char.IsHighSurrogate(emoji[^1]));
    }

    [SkippableFact]
    public void A_temporary_left_by_a_killed_writer_is_removed_by_the_next_write_and_a_live_ones_is_kept()
    {
        Skip.If(OperatingSystem.IsWindows(), "starts the Unix 'true' program to get the id of an exited process");
        var p = _tmp.File("model.safetensors");
        File.WriteAllText(p, "old");
        // A process that has exited: its id is free (or reused by another program, which then keeps the file: harmless).
        int dead;
        using (var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!) { gone.WaitForExit(); dead = gone.Id; }
        var stale = _tmp.File($".model.safetensors.{dead}-0123abcd.tmp");
        var live = _tmp.File($".model.safetensors.{Environment.ProcessId}-89abcdef.tmp");
        var other = _tmp.File(".notes.txt.1-0123abcd.tmp");
        foreach (var f in new[] { stale, live, other }) File.WriteAllText(f, "half");

        AtomicFile.WriteText(p, "new", overwrite: true);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));   // this process may still be writing it
        Assert.True(File.Exists(other));  // another file's temporary is not ours to judge
        Assert.Equal("new", File.ReadAllText(p));
    }
}
