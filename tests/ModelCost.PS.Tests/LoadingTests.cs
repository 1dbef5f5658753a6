using System.Runtime.InteropServices;
using ModelCost.PS.Loading;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>How the module's load context finds an engine's native libraries: runtimes/&lt;rid&gt;/native beside the engine.</summary>
public sealed class LoadingTests : IDisposable
{
    private readonly string _engine = Directory.CreateTempSubdirectory("modelcost-ps-engine-").FullName;

    public void Dispose() => Directory.Delete(_engine, recursive: true);

    private static string PortableRid() => (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-"
        + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    private string Touch(params string[] parts)
    {
        var path = Path.Combine([_engine, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
        return path;
    }

    [Fact]
    public void The_runtime_identifiers_start_with_this_process_and_fall_back_to_the_portable_one()
    {
        var rids = NativeLibraryProbe.RuntimeIdentifiers();
        Assert.Equal(RuntimeInformation.RuntimeIdentifier, rids[0]);
        Assert.Contains(PortableRid(), rids);
    }

    [Fact]
    public void A_DllImport_name_finds_the_platform_file_under_runtimes_rid_native()
    {
        var file = OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        var expected = Touch("runtimes", PortableRid(), "native", file);
        Assert.Equal(expected, NativeLibraryProbe.Find(_engine, "torch_cpu"));
        Assert.Equal(expected, NativeLibraryProbe.Find(_engine, file));
        Assert.Null(NativeLibraryProbe.Find(_engine, "onnxruntime"));
    }

    [Fact]
    public void A_library_beside_the_engine_is_found_last()
    {
        var beside = Touch(OperatingSystem.IsWindows() ? "helper.dll" : "libhelper.so");
        Assert.Equal(beside, NativeLibraryProbe.Find(_engine, "helper"));
    }

    [Fact]
    public void The_private_context_probes_the_folders_of_the_engines_it_loaded()
    {
        var file = OperatingSystem.IsWindows() ? "probe.dll" : "libprobe.so";
        var native = Touch("runtimes", PortableRid(), "native", file);
        var context = new ModelCostAssemblyLoadContext(Path.Combine(_engine, "Dependencies"));
        Assert.Null(context.FindNativeLibrary("probe"));
        // The test's own assembly stands in for an engine in that folder: loading it registers the folder.
        var copy = Path.Combine(_engine, "ModelCost.Engines.Probe.dll");
        File.Copy(typeof(LoadingTests).Assembly.Location, copy);
        var loaded = context.LoadEngine(copy);
        Assert.Equal(copy, loaded.Location);
        Assert.Equal([_engine], context.EngineDirectories);
        Assert.Equal(native, context.FindNativeLibrary("probe"));
    }
}
