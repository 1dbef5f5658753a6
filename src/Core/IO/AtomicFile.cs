using ModelCost.Core.Errors;

namespace ModelCost.Core.IO;

/// <summary>
/// Every file the module writes goes through here: written to a temporary file in the target's
/// folder, flushed, then renamed into place. A failure or cancellation leaves the old file
/// untouched and no temporary file behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically. <paramref name="overwrite"/> false fails with FileExists if it exists.</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = UserPath.Full(path, ErrorIds.WriteFailed, "Target file");
        var dir = Path.GetDirectoryName(full) ?? ".";
        if (Directory.Exists(full))
            throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                $"Cannot write '{full}': it is a directory.", full) { File = full };
        if (!Directory.Exists(dir))
            throw new ModelCostException(ErrorIds.DirectoryNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"Cannot write '{full}': the folder '{dir}' does not exist.", full) { File = full };
        if (!overwrite && File.Exists(full))
            throw new ModelCostException(ErrorIds.FileExists, ModelCostErrorCategory.ResourceExists,
                $"The file '{full}' already exists and overwriting was not allowed; it was left as it was.", full) { File = full };
        // A rename would replace a read-only file on Unix (only the folder's permissions count) but fail on
        // Windows; refuse everywhere so the attribute means the same on every platform.
        if (overwrite && File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Cannot overwrite '{full}': the file is read-only. Clear its read-only attribute first; the file was left as it was.", full) { File = full };

        // The temporary name adds 14 characters to the file's; a name near the usual 255-byte limit would make
        // it too long to create, so long names use a fixed stem instead.
        var stem = Path.GetFileName(full);
        if (System.Text.Encoding.UTF8.GetByteCount(stem) > 200) stem = "modelcost";
        var tmp = Path.Combine(dir, "." + stem + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                cancellationToken.ThrowIfCancellationRequested();
                fs.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(tmp, full, overwrite);
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

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteText(string path, string text, bool overwrite, CancellationToken cancellationToken = default) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.Write(text);
        }, overwrite, cancellationToken);

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
