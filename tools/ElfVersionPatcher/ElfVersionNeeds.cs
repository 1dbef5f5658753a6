using System.Buffers.Binary;
using System.Text;

namespace ModelCost.Tools.ElfVersionPatcher;

/// <summary>
/// The GNU version requirements (<c>.gnu.version_r</c>, SHT_GNU_verneed) of a 64-bit little-endian ELF file, and
/// the one edit this tool makes: setting VER_FLG_WEAK on a requirement so the dynamic loader accepts a library
/// that lacks that version (glibc's loader then only checks the versions that are not weak). Nothing else in the
/// file changes; the flag is a 16-bit field in place, so sizes and offsets stay as they are.
/// </summary>
public sealed class ElfVersionNeeds
{
    /// <summary>VER_FLG_WEAK in vna_flags (elf.h).</summary>
    public const ushort WeakFlag = 0x2;

    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>One Vernaux entry: the library it is needed from, the version name, its flags and where the flags are.</summary>
    public sealed record Requirement(string Library, string Version, ushort Flags, long FlagsOffset)
    {
        public bool Weak => (Flags & WeakFlag) != 0;
    }

    private ElfVersionNeeds(IReadOnlyList<Requirement> requirements) => Requirements = requirements;

    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>Reads the version requirements of <paramref name="elf"/>; throws <see cref="InvalidDataException"/> for anything but a well-formed ELF64 LSB file.</summary>
    public static ElfVersionNeeds Read(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file (no \\x7fELF magic)");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"only 64-bit little-endian ELF files are handled (class {elf[4]}, data {elf[5]})");
        var span = elf.AsSpan();
        long shoff = (long)U64(span, 0x28);
        int shentsize = U16(span, 0x3A), shnum = U16(span, 0x3C);
        if (shentsize < 64 || shoff <= 0 || shoff + (long)shnum * shentsize > elf.Length)
            throw new InvalidDataException("the section header table lies outside the file");
        var list = new List<Requirement>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = span.Slice(checked((int)(shoff + (long)i * shentsize)), 64);
            if (U32(sh, 4) != ShtGnuVerneed) continue;
            long offset = (long)U64(sh, 0x18), size = (long)U64(sh, 0x20);
            int link = (int)U32(sh, 0x28), count = (int)U32(sh, 0x2C);
            if (offset < 0 || offset + size > elf.Length || link >= shnum)
                throw new InvalidDataException("the .gnu.version_r section lies outside the file");
            var strtab = span.Slice(checked((int)(shoff + (long)link * shentsize)), 64);
            long strOffset = (long)U64(strtab, 0x18), strSize = (long)U64(strtab, 0x20);
            long entry = offset;
            for (int n = 0; n < count; n++)
            {
                Check(entry, 16, offset, size);
                int auxCount = U16(span, (int)entry + 2);
                string file = Str(span, strOffset, strSize, U32(span, (int)entry + 4));
                long aux = entry + U32(span, (int)entry + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    Check(aux, 16, offset, size);
                    list.Add(new Requirement(file, Str(span, strOffset, strSize, U32(span, (int)aux + 8)), U16(span, (int)aux + 4), aux + 4));
                    uint next = U32(span, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint nextEntry = U32(span, (int)entry + 12);
                if (nextEntry == 0) break;
                entry += nextEntry;
            }
        }
        return new ElfVersionNeeds(list);
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on every requirement named <paramref name="version"/> in <paramref name="elf"/> (in memory);
    /// returns how many changed (0 when all were weak already). Throws when the file has no such requirement.
    /// </summary>
    public static int MarkWeak(byte[] elf, string version)
    {
        var matches = Read(elf).Requirements.Where(r => r.Version == version).ToArray();
        if (matches.Length == 0)
            throw new InvalidDataException($"the file has no version requirement named {version}");
        int changed = 0;
        foreach (var r in matches.Where(r => !r.Weak))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)r.FlagsOffset), (ushort)(r.Flags | WeakFlag));
            changed++;
        }
        return changed;
    }

    /// <summary>The version names a shared library defines (<c>.gnu.version_d</c>), e.g. every GLIBCXX_3.4.x of a libstdc++.</summary>
    public static IReadOnlySet<string> Definitions(byte[] elf)
    {
        _ = Read(elf); // validates the header
        var span = elf.AsSpan();
        long shoff = (long)U64(span, 0x28);
        int shentsize = U16(span, 0x3A), shnum = U16(span, 0x3C);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < shnum; i++)
        {
            var sh = span.Slice(checked((int)(shoff + (long)i * shentsize)), 64);
            if (U32(sh, 4) != 0x6ffffffd) continue; // SHT_GNU_verdef
            long offset = (long)U64(sh, 0x18), size = (long)U64(sh, 0x20);
            int link = (int)U32(sh, 0x28), count = (int)U32(sh, 0x2C);
            var strtab = span.Slice(checked((int)(shoff + (long)link * shentsize)), 64);
            long strOffset = (long)U64(strtab, 0x18), strSize = (long)U64(strtab, 0x20);
            long entry = offset;
            for (int n = 0; n < count; n++)
            {
                Check(entry, 20, offset, size);
                long aux = entry + U32(span, (int)entry + 12);
                Check(aux, 8, offset, size);
                names.Add(Str(span, strOffset, strSize, U32(span, (int)aux)));
                uint next = U32(span, (int)entry + 16);
                if (next == 0) break;
                entry += next;
            }
        }
        return names;
    }

    private static void Check(long at, int length, long sectionOffset, long sectionSize)
    {
        if (at < sectionOffset || at + length > sectionOffset + sectionSize)
            throw new InvalidDataException("a version entry points outside its section");
    }

    private static string Str(ReadOnlySpan<byte> elf, long tableOffset, long tableSize, uint index)
    {
        if (index >= tableSize) throw new InvalidDataException("a version name points outside the string table");
        var rest = elf.Slice((int)(tableOffset + index), (int)(tableSize - index));
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);
    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
    private static ulong U64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);
}
