using System.Runtime.InteropServices;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using TorchSharp;

namespace ModelCost.Engines.Torch;

/// <summary>
/// Starts libtorch once per process and turns a libtorch that cannot be loaded (missing files, a host C++ runtime
/// too old for it: "GLIBCXX_3.4.32 not found") into EngineLoadFailed instead of a type-initialiser crash, so the
/// session survives and the managed engine keeps working.
/// </summary>
internal static class TorchRuntime
{
    private static readonly object Gate = new();
    private static Exception? _failure;
    private static bool _ready;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_ready) return;
            if (_failure is null)
            {
                try
                {
                    PassiveWaiting();
                    PreloadInstalledLibraries();
                    torch.InitializeDeviceType(DeviceType.CPU);
                    using var probe = torch.ones(1);
                    _ready = true;
                    return;
                }
                catch (Exception ex) when (ex is DllNotFoundException or NotSupportedException or TypeInitializationException
                    or EntryPointNotFoundException or BadImageFormatException or MarshalDirectiveException or InvalidOperationException)
                {
                    _failure = ex;
                }
            }
            throw Failed(_failure!);
        }
    }

    /// <summary>
    /// libtorch's OpenMP threads spin while they wait by default; on a machine shared with other work (2 cores, other
    /// builds) that made one epoch of the seed MLP 13× slower here (115 s instead of 8.6 s). Unless the user chose a
    /// policy, ask for passive waiting, as the PyTorch peer benchmark does. libgomp reads the variable when it is
    /// loaded, from the C environment, which .NET's Environment.SetEnvironmentVariable does not change on Unix.
    /// </summary>
    private static void PassiveWaiting()
    {
        const string Name = "OMP_WAIT_POLICY";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Name))) return;
        Environment.SetEnvironmentVariable(Name, "PASSIVE");
        if (!OperatingSystem.IsWindows()) _ = SetEnv(Name, "PASSIVE", 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);

    /// <summary>
    /// Loads this engine's libLibTorchSharp.so by its full path before TorchSharp looks for libraries by name. Its
    /// RUNPATH ($ORIGIN) then brings in the libtorch beside it, and TorchSharp's later loads by name match those
    /// already-loaded sonames, so a system libtorch (Debian's python3-torch puts libtorch_cpu.so on the default
    /// search path) can never be mixed in. It also keeps TorchSharp from its last resort, which copies the NuGet
    /// cache's libraries (unpatched, 480 MB) into a folder beside TorchSharp.dll.
    /// </summary>
    private static void PreloadInstalledLibraries()
    {
        var folder = Path.GetDirectoryName(typeof(TorchRuntime).Assembly.Location);
        if (string.IsNullOrEmpty(folder)) return;
        var bridge = EngineDependencyResolver.FindNative(folder, "LibTorchSharp");
        if (bridge is null)
            throw new DllNotFoundException($"libLibTorchSharp is not under {Path.Combine(folder, "runtimes")} (expected runtimes/<rid>/native/).");
        NativeLibrary.Load(bridge);
    }

    /// <summary>libtorch's intra-op threads for the next operation (0 = every core, as the managed engine reads it).</summary>
    public static int UseThreads(int threads)
    {
        int resolved = threads == 0 ? Environment.ProcessorCount : threads;
        if (torch.get_num_threads() != resolved) torch.set_num_threads(resolved);
        return resolved;
    }

    private static ModelCostException Failed(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException) messages.Add(e.Message);
        string all = string.Join(" ", messages);
        string hint = all.Contains("GLIBCXX", StringComparison.Ordinal)
            ? " This system's libstdc++ is older than the one libLibTorchSharp.so was built against; rebuild the engine with './build.ps1 torch', which patches a copy of the library where the host lacks GLIBCXX_3.4.32 (docs/engine.md)."
            : " Reinstall the engine with './build.ps1 torch' (docs/engine.md).";
        return new ModelCostException(ErrorIds.EngineLoadFailed, ModelCostErrorCategory.ResourceUnavailable,
            $"The Torch engine is installed but libtorch cannot be loaded: {all}{hint}", TorchEngine.EngineName, ex) { Option = "Engine" };
    }
}
