using ModelCost.Core.Engines;

namespace ModelCost.PS.Loading;

/// <summary>
/// Where an engine's native library lives, the way NuGet lays runtime assets out:
/// &lt;engine folder&gt;/runtimes/&lt;rid&gt;/native/&lt;file&gt;, trying this process's runtime identifier, then the
/// portable one (linux-x64, osx-arm64, win-x64, ...), then the engine folder itself; for each, the name
/// as given and then with the platform's prefix and suffix (torch → libtorch.so). The rules live in Core
/// (<see cref="EngineDependencyResolver"/>), which hosts other than the module use too.
/// </summary>
internal static class NativeLibraryProbe
{
    public static string? Find(string engineDirectory, string libraryName) => EngineDependencyResolver.FindNative(engineDirectory, libraryName);

    /// <summary>This process's runtime identifier first, then the portable ones it falls back to.</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers() => EngineDependencyResolver.RuntimeIdentifiers();

    /// <summary>File names a DllImport name may stand for on this platform, most specific first.</summary>
    public static IEnumerable<string> FileNames(string name) => EngineDependencyResolver.FileNames(name);
}
