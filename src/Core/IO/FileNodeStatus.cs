using System.Runtime.InteropServices;

namespace ModelCost.Core.IO;

/// <summary>
/// The kind, permission bits and owner of a path. .NET tells a device node, a FIFO or a socket apart
/// from a regular file nowhere and exposes no owner, so on Linux this reads <c>statx(2)</c>, whose
/// structure is the same on every architecture. Elsewhere the kind comes from .NET (a non-directory
/// counts as a regular file) and the owner is unknown.
/// </summary>
internal sealed record FileNodeStatus(FileNodeKind Kind, UnixFileMode Mode, uint? Uid, uint? Gid)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private static bool _statxMissing;

    /// <summary>The status of <paramref name="path"/>, following symbolic links unless <paramref name="noFollow"/>.</summary>
    public static FileNodeStatus Get(string path, bool noFollow = false)
    {
        if (OperatingSystem.IsLinux() && !_statxMissing)
        {
            var buffer = new byte[256];
            try
            {
                if (statx(AtFdCwd, path, noFollow ? AtSymlinkNoFollow : 0, StatxBasicStats, buffer) == 0)
                {
                    // struct statx: stx_uid at offset 20, stx_gid at 24, stx_mode (u16) at 28.
                    uint uid = BitConverter.ToUInt32(buffer, 20), gid = BitConverter.ToUInt32(buffer, 24);
                    int mode = BitConverter.ToUInt16(buffer, 28);
                    return new FileNodeStatus(KindOf(mode & 0xF000), (UnixFileMode)(mode & 0xFFF), uid, gid);
                }
                return new FileNodeStatus(FileNodeKind.Missing, 0, null, null);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                _statxMissing = true;
            }
        }
        return Portable(path, noFollow);
    }

    private static FileNodeStatus Portable(string path, bool noFollow)
    {
        var info = new FileInfo(path);
        if (noFollow && info.LinkTarget is not null) return new FileNodeStatus(FileNodeKind.SymbolicLink, 0, null, null);
        if (Directory.Exists(path)) return new FileNodeStatus(FileNodeKind.Directory, 0, null, null);
        if (!File.Exists(path)) return new FileNodeStatus(FileNodeKind.Missing, 0, null, null);
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
        return new FileNodeStatus(FileNodeKind.RegularFile, mode, null, null);
    }

    private static FileNodeKind KindOf(int type) => type switch
    {
        0x8000 => FileNodeKind.RegularFile,
        0x4000 => FileNodeKind.Directory,
        0xA000 => FileNodeKind.SymbolicLink,
        0x2000 => FileNodeKind.CharacterDevice,
        0x6000 => FileNodeKind.BlockDevice,
        0x1000 => FileNodeKind.Fifo,
        0xC000 => FileNodeKind.Socket,
        _ => FileNodeKind.Other,
    };

    /// <summary>Gives <paramref name="path"/> this owner where the process may (root, or a group it belongs to); false when it could not.</summary>
    public bool TryApplyOwner(string path)
    {
        if (!OperatingSystem.IsLinux() || Uid is not { } uid || Gid is not { } gid) return false;
        try
        {
            if (chown(path, uid, gid) == 0) return true;
            return chown(path, uint.MaxValue, gid) == 0; // not root: keep at least the group when we are in it
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags, uint mask, byte[] statxbuf);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
}
