using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ModelCost.Tools.ElfVersionPatcher;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>
/// tools/ElfVersionPatcher (the Torch engine's GLIBCXX_3.4.32 fix, docs/engine.md) on a small shared library built
/// here with g++. The expected version requirements and flags come from binutils' readelf -V, an independent
/// reader; skipped, saying why, where g++ or readelf is missing.
/// </summary>
public sealed partial class ElfVersionPatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("elfpatch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Tool(string name) =>
        new[] { "/usr/bin", "/usr/local/bin", "/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {error}");
        return output;
    }

    /// <summary>A shared library that writes with std::cout, so it needs versions of libstdc++ (GLIBCXX_3.4…) and libc.</summary>
    private string BuildLibrary()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "needs Linux x64 (ELF64 LSB)");
        var gxx = Tool("g++");
        Skip.If(gxx is null || Tool("readelf") is null, "needs g++ and readelf (Debian: build-essential, binutils)");
        var source = Path.Combine(_dir, "tiny.cpp");
        File.WriteAllText(source, "#include <iostream>\n#include <string>\nextern \"C\" int tiny_hello(const char* who) { std::string s(who); std::cout << \"hello \" << s << std::endl; return (int)s.size(); }\n");
        var library = Path.Combine(_dir, "libtiny.so");
        Run(gxx!, "-shared", "-fPIC", "-O1", "-o", library, source);
        return library;
    }

    /// <summary>(library, version, flags) for every "Name: … Flags: …" line under readelf -V's version needs section.</summary>
    private static List<(string Library, string Version, string Flags)> ReadelfNeeds(string library)
    {
        var text = Run(Tool("readelf")!, "-V", "-W", library);
        int start = text.IndexOf("Version needs section", StringComparison.Ordinal);
        Assert.True(start >= 0, "readelf shows no version needs section");
        var list = new List<(string, string, string)>();
        string file = "";
        foreach (var line in text[start..].Split('\n').Skip(1))
        {
            if (line.Trim().Length == 0) break;
            if (FileLine().Match(line) is { Success: true } f) file = f.Groups[1].Value;
            else if (NameLine().Match(line) is { Success: true } n) list.Add((file, n.Groups[1].Value, n.Groups[2].Value));
        }
        return list;
    }

    [GeneratedRegex(@"File: (\S+)")] private static partial Regex FileLine();
    [GeneratedRegex(@"Name: (\S+)\s+Flags: (\S+)")] private static partial Regex NameLine();

    [SkippableFact]
    public void It_reads_the_version_requirements_readelf_shows()
    {
        var library = BuildLibrary();
        var expected = ReadelfNeeds(library);
        Assert.Contains(expected, e => e.Library == "libstdc++.so.6" && e.Version == "GLIBCXX_3.4");
        var actual = ElfVersionNeeds.Read(File.ReadAllBytes(library)).Requirements;
        Assert.Equal(expected.Select(e => (e.Library, e.Version, e.Flags == "WEAK")).Order(), actual.Select(r => (r.Library, r.Version, r.Weak)).Order());
    }

    [SkippableFact]
    public void Marking_one_requirement_weak_changes_only_its_flag_and_the_library_still_loads()
    {
        var library = BuildLibrary();
        var before = File.ReadAllBytes(library);
        var bytes = (byte[])before.Clone();
        Assert.Equal(1, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_3.4"));
        // Exactly one byte differs: the low byte of vna_flags gains VER_FLG_WEAK (0x2).
        var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != before[i]).ToArray();
        Assert.Single(changed);
        Assert.Equal(before[changed[0]] | 0x2, bytes[changed[0]]);
        var patched = Path.Combine(_dir, "libtiny-weak.so");
        File.WriteAllBytes(patched, bytes);

        var needs = ReadelfNeeds(patched);
        Assert.Equal("WEAK", needs.Single(n => n.Version == "GLIBCXX_3.4").Flags);
        Assert.All(needs.Where(n => n.Version != "GLIBCXX_3.4"), n => Assert.Equal(ReadelfNeeds(library).Single(o => o.Version == n.Version && o.Library == n.Library).Flags, n.Flags));
        // Idempotent: a second pass finds it weak already.
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_3.4"));
        // The dynamic loader still accepts the copy.
        var handle = NativeLibrary.Load(patched);
        Assert.NotEqual(IntPtr.Zero, NativeLibrary.GetExport(handle, "tiny_hello"));
    }

    [SkippableFact]
    public void The_host_libstdcxx_definitions_are_read_and_bad_input_is_refused()
    {
        var library = BuildLibrary();
        var host = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        Skip.If(host is null, "no libstdc++.so.6 at the usual paths");
        var text = Run(Tool("readelf")!, "-V", "-W", host!);
        var defined = DefinitionLine().Matches(text[..text.IndexOf("Version needs section", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Equal(defined.Order(), ElfVersionNeeds.Definitions(File.ReadAllBytes(host!)).Order());

        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(File.ReadAllBytes(library), "GLIBCXX_9.9.99"));
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read("not an ELF file at all, but long enough to hold a header of sixty-four bytes"u8.ToArray()));
        var truncated = File.ReadAllBytes(library)[..200];
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated));
    }

    [GeneratedRegex(@"Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")] private static partial Regex DefinitionLine();
}
