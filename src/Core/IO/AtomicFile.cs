using ModelCost.Core.Errors;

namespace ModelCost.Core.IO;

/// <summary>
/// Every file the module writes goes through here: written to a temporary file in the target's
/// folder, flushed, then renamed into place. A failure or cancellation leaves the old file
/// untouched and no temporary file behind.
/// <list type="bullet">
/// <item>A symbolic link is followed: the file it points to is replaced (in its own folder) and the link stays a link.</item>
/// <item>Only regular files are replaced: a device node, named pipe or socket is refused with
/// <see cref="ErrorIds.NotRegularFile"/> (a rename would put a plain file in its place, e.g. instead of /dev/null).</item>
/// <item>A replaced file keeps its permission bits and, where the process may set them, its owner and group.</item>
/// <item>Without overwrite, a file that appears while writing is never replaced (<see cref="ErrorIds.FileExists"/>).</item>
/// </list>
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// The path a write to <paramref name="path"/> replaces (symbolic links followed), after the checks that need
    /// no writing: a directory, a non-regular file, a missing folder or (without <paramref name="overwrite"/>) an
    /// existing file fail with a <see cref="ModelCostException"/>. Callers use it to refuse before asking to write.
    /// </summary>
    public static string CheckTarget(string path, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = FollowLinks(UserPath.Full(path, ErrorIds.WriteFailed, "Target file"));
        var node = FileNodeStatus.Get(full);
        var dir = Path.GetDirectoryName(full) ?? ".";
        switch (node.Kind)
        {
            case FileNodeKind.Directory:
                throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                    $"Cannot write '{full}': it is a directory.", full) { File = full };
            case FileNodeKind.Missing or FileNodeKind.RegularFile:
                break;
            default:
                throw new ModelCostException(ErrorIds.NotRegularFile, ModelCostErrorCategory.InvalidArgument,
                    $"Cannot write '{full}': it is a {Describe(node.Kind)}, not a regular file. Files are written to a temporary file and renamed into place, which would replace it with a plain file; it was left as it was. Write to a regular file and copy it there if that is what you want.", full) { File = full };
        }
        if (!Directory.Exists(dir))
            throw new ModelCostException(ErrorIds.DirectoryNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"Cannot write '{full}': the folder '{dir}' does not exist.", full) { File = full };
        if (!overwrite && node.Kind != FileNodeKind.Missing)
            throw Exists(full);
        return full;
    }

    /// <summary>Writes <paramref name="path"/> atomically. <paramref name="overwrite"/> false fails with FileExists if it exists.</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = CheckTarget(path, overwrite);
        var dir = Path.GetDirectoryName(full) ?? ".";
        var existing = FileNodeStatus.Get(full);
        // A rename would replace a read-only file on Unix (only the folder's permissions count) but fail on
        // Windows; refuse everywhere so the attribute means the same on every platform.
        if (existing.Kind == FileNodeKind.RegularFile && IsReadOnly(full))
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Cannot overwrite '{full}': the file is read-only. Clear its read-only attribute first; the file was left as it was.", full) { File = full };

        // The temporary name adds 14 characters to the file's; a name near the usual 255-byte limit would make
        // it too long to create, so long names use a fixed stem instead.
        var stem = Path.GetFileName(full);
        if (System.Text.Encoding.UTF8.GetByteCount(stem) > 200) stem = "modelcost";
        // The writer's process id is in the name, so a temporary left by a killed writer (SIGKILL, power loss after
        // the rename was not reached) is recognised and removed by the next write of the same file.
        RemoveStaleTemporaries(dir, stem);
        var tmp = Path.Combine(dir, "." + stem + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                cancellationToken.ThrowIfCancellationRequested();
                fs.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (existing.Kind == FileNodeKind.RegularFile) KeepModeAndOwner(existing, tmp);
            try
            {
                File.Move(tmp, full, overwrite);
            }
            catch (IOException) when (!overwrite && FileNodeStatus.Get(full, noFollow: true).Kind != FileNodeKind.Missing)
            {
                // Another writer created the file after the check: never replace it.
                throw Exists(full);
            }
        }
        catch (OperationCanceledException)
        {
            TryDelete(tmp);
            throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                $"Writing '{full}' was cancelled; the file was left as it was.", full) { File = full };
        }
        catch (ModelCostException)
        {
            TryDelete(tmp);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Could not write '{full}': {ex.Message} The file was left as it was.", full, ex) { File = full };
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is read-only in the sense of Windows' attribute and <c>chmod a-w</c>: on Unix, no
    /// write bit at all. (.NET's ReadOnly attribute on Unix also says so of a 644 file owned by another user, even to
    /// root, who may write it; that is a permission, not the file's read-only flag.)
    /// </summary>
    public static bool IsReadOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0;
        var node = FileNodeStatus.Get(path);
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return node.Kind == FileNodeKind.RegularFile && (node.Mode & anyWrite) == 0;
    }

    /// <summary>Clears the read-only state <see cref="IsReadOnly"/> reports (on Unix: gives the owner write permission).</summary>
    public static void ClearReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
            File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
        else
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
    }

    private static ModelCostException Exists(string full) =>
        new(ErrorIds.FileExists, ModelCostErrorCategory.ResourceExists,
            $"The file '{full}' already exists and overwriting was not allowed; it was left as it was.", full) { File = full };

    /// <summary>The final target of a chain of symbolic links (the path itself when it is none); a loop fails with WriteFailed.</summary>
    private static string FollowLinks(string full)
    {
        if (FileNodeStatus.Get(full, noFollow: true).Kind != FileNodeKind.SymbolicLink) return full;
        try
        {
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? full : Path.GetFullPath(target.FullName);
        }
        catch (IOException ex)
        {
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Cannot write '{full}': its symbolic links cannot be followed ({ex.Message}).", full, ex) { File = full };
        }
    }

    /// <summary>The replaced file's permission bits (a chmod 600 file stays private) and, where allowed, its owner.</summary>
    private static void KeepModeAndOwner(FileNodeStatus existing, string tmp)
    {
        if (OperatingSystem.IsWindows()) return;
        existing.TryApplyOwner(tmp);
        // After chown, which clears set-id bits; only the permission bits are carried over.
        File.SetUnixFileMode(tmp, existing.Mode & (UnixFileMode)0x1FF);
    }

    private static string Describe(FileNodeKind kind) => kind switch
    {
        FileNodeKind.CharacterDevice => "character device",
        FileNodeKind.BlockDevice => "block device",
        FileNodeKind.Fifo => "named pipe (FIFO)",
        FileNodeKind.Socket => "socket",
        _ => "special file",
    };

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteText(string path, string text, bool overwrite, CancellationToken cancellationToken = default) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.Write(text);
        }, overwrite, cancellationToken);

    /// <summary>Deletes ".&lt;stem&gt;.&lt;pid&gt;-&lt;8 hex&gt;.tmp" files in <paramref name="dir"/> whose writer process no longer runs.</summary>
    private static void RemoveStaleTemporaries(string dir, string stem)
    {
        string prefix = "." + stem + ".";
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, prefix + "*.tmp").ToArray(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in candidates)
        {
            var middle = Path.GetFileName(file).AsSpan()[prefix.Length..^".tmp".Length];
            int dash = middle.IndexOf('-');
            if (dash <= 0 || middle.Length - dash - 1 != 8 || !int.TryParse(middle[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            TryDelete(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
