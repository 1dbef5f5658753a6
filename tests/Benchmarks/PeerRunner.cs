using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelCost.Core.Engine.Kernels;

namespace ModelCost.Benchmarks;

/// <summary>
/// The one command behind the speed table (issue 17): our engine and each peer run alternately
/// (ours, PyTorch, libtorch, ours, …) on the seed 000 MLP and CNN (training, batch-1 latency,
/// batch-1000 throughput, peak memory) and on ResNet-18 at 32×32×3 (one training step at batch 64,
/// batch-1 latency, peak memory), then SGEMM against OpenBLAS in-process on one core (2048³ and every
/// shape those models produce). Each model run is a fresh process (peak memory is per process). The
/// best of the rounds is kept for each figure (least disturbed by other load).
/// <c>bash tests/Benchmarks/run-peer-benchmark.sh [--rounds 2] [--threads 2] [--epochs 5] [--only mlp,cnn,resnet18,sgemm] [--spin]</c>
/// </summary>
public static class PeerRunner
{
    private const string Python = "/usr/bin/python3";

    private static readonly string[] AllParts = ["mlp", "cnn", "resnet18", "sgemm"];

    /// <summary>A column of the table: an engine that runs one model and prints train_peer.py's JSON fields.</summary>
    private sealed record Peer(string Column, string? Unavailable, Func<string, JsonElement>? RunModel);

    public static int Run(string[] args)
    {
        int rounds = 2, threads = 2, epochs = 5;
        var parts = new List<string>(AllParts);
        bool spin = false;
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "--passive" or "--spin")
            {
                // Passive waiting is the peer's best configuration on a shared machine, so it is the default;
                // --spin shows libgomp's default (threads spin while waiting: 10-50x slower under other load).
                spin = a == "--spin";
                continue;
            }
            if (i + 1 >= args.Length) { Console.Error.WriteLine($"option {a} needs a value"); return 2; }
            string v = args[++i];
            switch (a)
            {
                case "--rounds": rounds = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--only":
                    parts = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    if (parts.FirstOrDefault(p => !AllParts.Contains(p)) is { } bad) { Console.Error.WriteLine($"--only takes {string.Join(", ", AllParts)}, not {bad}"); return 2; }
                    break;
                default: Console.Error.WriteLine($"unknown option {a}"); return 2;
            }
        }

        string root = RepoRoot.Find();
        string loadStart = LoadAverage();
        var cpu = CpuInfo.Read();
        var torchEnv = PyTorchEnvironment(cpu, threads, spin);
        string? torchMissing = HasTorch() ? null : $"n/a (not installed: {Python} has no torch module; apt-get install python3-torch)";
        string torchInfo = torchMissing is null ? PyTorchInfo(root, torchEnv) : "";
        string ModelArgs(string m) => $"--model {m} --threads {threads} --epochs {epochs} --seed 42";
        var peers = new List<Peer>
        {
            new("PyTorch-best", torchMissing, m => RunJson(Python, $"{Path.Combine(root, "tests", "Benchmarks", "peer", "train_peer.py")} {ModelArgs(m)}", torchEnv)),
            // libtorch 2.10 through TorchSharp: the Torch engine (issue 11, './build.ps1 torch'), run by our worker.
            new("libtorch 2.10", File.Exists(Path.Combine(root, "out", "ModelCost.PS", "Engines", "Torch", "ModelCost.Engines.Torch.dll"))
                    ? null : "n/a (not installed: ./build.ps1 torch installs the Torch engine)",
                m => RunJson(SelfCommand(), $"ours --engine torch {ModelArgs(m)}", [])),
        };

        var ours = new Dictionary<string, List<JsonElement>>();
        var theirs = peers.ToDictionary(p => p.Column, _ => new Dictionary<string, List<JsonElement>>());
        var models = parts.Where(p => p != "sgemm").ToList();
        for (int r = 1; r <= rounds; r++)
        {
            foreach (var model in models)
            {
                Console.Error.WriteLine($"round {r}/{rounds}: {model} ours");
                Add(ours, model, RunJson(SelfCommand(), "ours " + ModelArgs(model), []));
                foreach (var peer in peers.Where(p => p.Unavailable is null))
                {
                    Console.Error.WriteLine($"round {r}/{rounds}: {model} {peer.Column}");
                    Add(theirs[peer.Column], model, peer.RunModel!(model));
                }
            }
        }
        List<SgemmPeer.Result>? sgemm = null;
        if (parts.Contains("sgemm") && OpenBlas.Load())
        {
            Console.Error.WriteLine("sgemm: ours vs OpenBLAS, one core, alternating");
            sgemm = SgemmPeer.Compare(["mlp", "cnn", "resnet18"], rounds: Math.Max(5, 2 * rounds + 3), square: 2048);
        }

        var t = new StringBuilder();
        t.AppendLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {cpu.Name} (family {cpu.Family}, model {cpu.Model}), {cpu.IsaSummary}. Load average (1 min) at start {loadStart}, at end {LoadAverage()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC."));
        t.AppendLine(Invariant($"Ours: GEMM kernels {Gemm.Isa} ({KernelTile()}); {threads} threads for training and throughput, 1 for batch-1 latency."));
        if (torchMissing is null) t.AppendLine($"PyTorch-best: {torchInfo}; {EnvText(torchEnv)}; batch-1 latency is the faster of 1 and {threads} threads.");
        foreach (var p in peers.Where(p => p.Unavailable is not null)) t.AppendLine($"{p.Column}: {p.Unavailable}.");
        t.AppendLine(Invariant($"Best of {rounds} alternating round(s) per figure; the ratio is ours / the best installed peer."));
        t.AppendLine();
        t.AppendLine($"| Figure | Ours | {string.Join(" | ", peers.Select(p => p.Column))} | Ratio (ours / best peer) | Goal | Met | Test accuracy (ours / {string.Join(" / ", peers.Select(p => p.Column))}) |");
        t.AppendLine($"|---|---|{string.Concat(peers.Select(_ => "---|"))}---|---|---|---|");
        var peerRuns = peers.Select(p => theirs[p.Column]).ToList();
        foreach (var model in models)
        {
            string name = model == "resnet18" ? "ResNet-18 32×32×3" : "Seed " + model.ToUpperInvariant();
            string Acc() => string.Join(" / ", new[] { ours }.Concat(peerRuns).Select(d => Fmt(Val(d, model, "test_accuracy", max: true), "F4")));
            if (model == "resnet18")
            {
                Row(t, $"{name}, one training step, batch 64 (s, median)", ours, peerRuns, model, "step_seconds", 1.0, lower: true, "F3", "", libtorchGoal: true);
                Row(t, $"Batch-1 inference latency {name} (ms, median)", ours, peerRuns, model, "latency_b1_median_us", 1.0, lower: true, "F2", "", libtorchGoal: true, scale: 1e-3);
                Row(t, $"Peak resident memory {name} training (MiB, VmHWM)", ours, peerRuns, model, "peak_rss_mib", 0.5, lower: true, "F0", "");
                continue;
            }
            Row(t, $"{name}, {epochs} epochs, batch 64, training time (s)", ours, peerRuns, model, "train_seconds", 0.5, lower: true, "F2", Acc());
            Row(t, $"Batch-1 inference latency {model.ToUpperInvariant()} (µs, median)", ours, peerRuns, model, "latency_b1_median_us", 0.5, lower: true, "F1", "");
            Row(t, $"Inference throughput {model.ToUpperInvariant()}, batches of 1000 (images/s)", ours, peerRuns, model, "throughput_b1000_per_s", 1.5, lower: false, "N0", "", max: true);
            Row(t, $"Peak resident memory training {model.ToUpperInvariant()} (MiB, VmHWM)", ours, peerRuns, model, "peak_rss_mib", 0.5, lower: true, "F0", "");
        }
        if (sgemm is not null)
        {
            var square = sgemm[0];
            var worst = sgemm.Skip(1).MinBy(r => r.Ratio)!;
            string blas = $"OpenBLAS {OpenBlas.CoreName} in-process";
            t.AppendLine(Invariant($"| SGEMM 2048³ one core (GFLOP/s; peer: {blas}) | {square.Ours:F1} | {square.Peer:F1} | – | {square.Ratio:F2} | ≥ 0.9× | {Met(square.Ratio, 0.9, false)} |  |"));
            t.AppendLine(Invariant($"| SGEMM, worst of the {sgemm.Count - 1} model shapes: {worst.Shape}, {worst.Where} (GFLOP/s) | {worst.Ours:F1} | {worst.Peer:F1} | – | {worst.Ratio:F2} | ≥ 0.9× | {Met(worst.Ratio, 0.9, false)} |  |"));
        }
        else if (parts.Contains("sgemm"))
        {
            t.AppendLine("| SGEMM one core | – | n/a (OpenBLAS not installed: apt-get install libopenblas0-openmp) | – | – | ≥ 0.9× | – |  |");
        }
        Console.WriteLine(t.ToString());
        if (sgemm is not null)
        {
            Console.WriteLine(SgemmPeer.Header());
            Console.WriteLine();
            Console.WriteLine("| Shape (m×n×k) | Where | Ours GFLOP/s | OpenBLAS GFLOP/s | Ratio |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var r in sgemm) Console.WriteLine(SgemmPeer.Row(r));
            Console.WriteLine(Invariant($"{sgemm.Count(r => r.Ratio >= 0.9)} of {sgemm.Count} shapes at ≥ 0.9×."));
        }
        return 0;
    }

    private static void Row(StringBuilder t, string figure, Dictionary<string, List<JsonElement>> ours, List<Dictionary<string, List<JsonElement>>> peers,
        string model, string field, double goal, bool lower, string format, string accuracy, bool max = false, bool libtorchGoal = false, double scale = 1)
    {
        double o = Val(ours, model, field, max) * scale;
        var p = peers.Select(d => Val(d, model, field, max) * scale).ToList();
        var installed = p.Where(v => !double.IsNaN(v)).ToList();
        double best = installed.Count == 0 ? double.NaN : lower ? installed.Min() : installed.Max();
        double ratio = o / best;
        // ResNet-18's goal (issue 17) is against libtorch 2.10, the last column, whichever peer is faster: the Met
        // column judges ours / libtorch and says so, while the Ratio column stays ours / the best peer.
        string met = !libtorchGoal ? Met(ratio, goal, lower)
            : double.IsNaN(p[^1]) ? "– (goal is vs libtorch)"
            : $"{Met(o / p[^1], goal, lower)} ({Fmt(o / p[^1], "F2")}× libtorch)";
        string goalText = lower ? Invariant($"≤ {goal}×") : Invariant($"≥ {goal}×");
        t.AppendLine($"| {figure} | {Fmt(o, format)} | {string.Join(" | ", p.Select(v => Fmt(v, format)))} | {Fmt(ratio, "F2")} | {goalText} | {met} | {accuracy} |");
    }

    private static string Met(double ratio, double goal, bool lower) =>
        double.IsNaN(ratio) ? "–" : (lower ? ratio <= goal : ratio >= goal) ? "yes" : "no";

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Best of the rounds: least time or memory, or most throughput or accuracy.</summary>
    private static double Val(Dictionary<string, List<JsonElement>> runs, string model, string field, bool max = false)
    {
        if (!runs.TryGetValue(model, out var list) || list.Count == 0) return double.NaN;
        var v = list.Where(j => j.TryGetProperty(field, out _)).Select(j => j.GetProperty(field).GetDouble()).ToList();
        if (v.Count == 0) return double.NaN;
        return max ? v.Max() : v.Min();
    }

    private static string KernelTile() => Gemm.Isa switch
    {
        GemmIsa.Avx512 => "6×32 zmm micro-tiles",
        GemmIsa.Avx2Fma => "6×16 ymm micro-tiles",
        GemmIsa.Vector128 => "6×8 xmm micro-tiles",
        _ => "4×4 scalar micro-tiles",
    };

    /// <summary>
    /// PyTorch at its best: OMP_NUM_THREADS = threads with passive waiting; OpenBLAS's SkylakeX (AVX-512)
    /// kernels where the CPU has AVX-512F (elsewhere they die with SIGILL), else OpenBLAS detects the core.
    /// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE that the environment may set for older builds are dropped
    /// (set to empty, which OpenBLAS ignores), so the peer never runs a weaker kernel than its CPU allows;
    /// the core it then runs is read back by peer_info.py and printed.
    /// </summary>
    private static Dictionary<string, string> PyTorchEnvironment(CpuInfo cpu, int threads, bool spin)
    {
        var env = new Dictionary<string, string>
        {
            ["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture),
            ["OPENBLAS_CORETYPE"] = cpu.Avx512F ? "SkylakeX" : "",
            ["OPENBLAS_L2_SIZE"] = "",
        };
        if (!spin) env["OMP_WAIT_POLICY"] = "PASSIVE";
        return env;
    }

    private static string EnvText(Dictionary<string, string> env) =>
        string.Join(" ", env.Select(kv => kv.Value.Length == 0 ? $"{kv.Key} unset" : $"{kv.Key}={kv.Value}"));

    /// <summary>Torch version, the BLAS core OpenBLAS picked, oneDNN's ISA and its convolution implementations.</summary>
    private static string PyTorchInfo(string root, Dictionary<string, string> env)
    {
        var probeEnv = new Dictionary<string, string>(env) { ["DNNL_VERBOSE"] = "1" };
        string text = RunText(Python, Path.Combine(root, "tests", "Benchmarks", "peer", "peer_info.py"), probeEnv);
        var lines = text.Split('\n');
        var info = JsonDocument.Parse(lines.Last(l => l.TrimStart().StartsWith('{'))).RootElement;
        string isa = lines.Select(l => l.Split(',')).Where(f => f.Length > 3 && f[1] == "info" && f[3].StartsWith("isa:", StringComparison.Ordinal)).Select(f => f[3][4..]).FirstOrDefault() ?? "unknown";
        var convs = lines.Select(l => l.Split(',')).Where(f => f.Length > 5 && f[1] == "exec" && f[3] == "convolution").Select(f => $"{f[5]} {f[4]}").Distinct();
        return $"torch {info.GetProperty("torch").GetString()}, BLAS {info.GetProperty("blas_library").GetString()} core {info.GetProperty("blas_core").GetString()}, oneDNN ISA {isa} (convolutions: {string.Join(", ", convs)}), ATen {info.GetProperty("aten_cpu_capability").GetString()}";
    }

    private static void Add(Dictionary<string, List<JsonElement>> d, string key, JsonElement e)
    {
        if (!d.TryGetValue(key, out var l)) d[key] = l = [];
        l.Add(e);
    }

    private static (string File, string Prefix) SelfCommand()
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        string dll = typeof(PeerRunner).Assembly.Location;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? (exe, $"\"{dll}\" ") : (exe, "");
    }

    private static JsonElement RunJson((string File, string Prefix) cmd, string args, Dictionary<string, string> env) =>
        RunJson(cmd.File, cmd.Prefix + args, env);

    private static JsonElement RunJson(string file, string args, Dictionary<string, string> env)
    {
        string text = RunText(file, args, env);
        var line = text.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static string RunText(string file, string args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env)
        {
            if (v.Length == 0) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} exited with {p.ExitCode}: {err.Result}");
        return output;
    }

    private static bool HasTorch()
    {
        if (!File.Exists(Python)) return false;
        try
        {
            RunText(Python, "-c \"import torch\"", []);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string LoadAverage()
    {
        const string Path = "/proc/loadavg";
        return File.Exists(Path) ? File.ReadAllText(Path).Split(' ')[0] : "unknown";
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>What /proc/cpuinfo says about the first CPU.</summary>
    private sealed record CpuInfo(string Name, string Family, string Model, bool Avx2, bool Fma, bool Avx512F)
    {
        public string IsaSummary => string.Join("+", new[] { Avx512F ? "AVX-512F" : null, Avx2 ? "AVX2" : null, Fma ? "FMA" : null }.Where(s => s is not null))
            + (Avx512F ? "" : ", no AVX-512");

        public static CpuInfo Read()
        {
            if (!File.Exists("/proc/cpuinfo")) return new("unknown CPU", "?", "?", false, false, false);
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
            string Field(string key) => lines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l[key.Length..].TrimStart().StartsWith(':')) is { } l
                ? l[(l.IndexOf(':') + 1)..].Trim() : "?";
            var flags = Field("flags").Split(' ').ToHashSet();
            return new(Field("model name"), Field("cpu family"), Field("model"), flags.Contains("avx2"), flags.Contains("fma"), flags.Contains("avx512f"));
        }
    }
}
