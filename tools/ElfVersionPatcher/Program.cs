using ModelCost.Tools.ElfVersionPatcher;

// ElfVersionPatcher <source.so> <destination.so> <VERSION> [--unless-defined-by <library.so>]
// Writes a copy of source with the VERSION requirement marked weak (VER_FLG_WEAK), atomically; with
// --unless-defined-by, copies source unchanged when that library (the host's libstdc++) defines VERSION.
// Exit codes: 0 written, 2 bad arguments or input.
if (args.Length is not (3 or 5) || (args.Length == 5 && args[3] != "--unless-defined-by"))
{
    Console.Error.WriteLine("usage: ElfVersionPatcher <source.so> <destination.so> <VERSION> [--unless-defined-by <library.so>]");
    return 2;
}
var (source, destination, version) = (args[0], args[1], args[2]);
try
{
    var bytes = File.ReadAllBytes(source);
    string what;
    if (args.Length == 5 && ElfVersionNeeds.Definitions(File.ReadAllBytes(args[4])).Contains(version))
        what = $"{args[4]} defines {version}: copied {Path.GetFileName(source)} unchanged";
    else
    {
        int changed = ElfVersionNeeds.MarkWeak(bytes, version);
        what = changed == 0 ? $"{version} was already weak in {Path.GetFileName(source)}" : $"marked {version} weak in a copy of {Path.GetFileName(source)} ({changed} requirement)";
    }
    var temp = destination + ".partial";
    File.WriteAllBytes(temp, bytes);
    File.Move(temp, destination, overwrite: true);
    Console.WriteLine($"ElfVersionPatcher: {what} -> {destination}");
    return 0;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
{
    Console.Error.WriteLine($"ElfVersionPatcher: {source}: {ex.Message}");
    return 2;
}
