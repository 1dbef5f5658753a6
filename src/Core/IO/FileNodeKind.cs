namespace ModelCost.Core.IO;

/// <summary>What a path names on the file system (as <c>stat</c> reports it).</summary>
internal enum FileNodeKind
{
    Missing,
    RegularFile,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}
