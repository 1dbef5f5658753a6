using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelCost.Benchmarks;

/// <summary>
/// The one command behind the speed table: runs our engine and the PyTorch peer alternately
/// (ours, peer, ours, peer, ...) on the seed 000 MLP and CNN (training, batch-1 latency, batch-1000
/// throughput, peak memory) and SGEMM 2048³ on one core, then prints one table with the ratios,
/// the issue's goals and both accuracies. Each training run is a fresh process (peak memory is
/// per process). The best of the rounds is reported for each figure (least disturbed by other load).
/// <c>bash tests/Benchmarks/run-peer-benchmark.sh [--rounds 2] [--threads 2] [--epochs 5] [--only sgemm|mlp|cnn] [--passive]</c>
/// </summary>
public static class PeerRunner
{
    private const string Python = "/usr/bin/python3";

    public static int Run(string[] args)
    {
        int rounds = 2, threads = 2, epochs = 5;
        string only = "all";
        bool passive = false;
        for (int i = 1; i < args.Length; i += 2)
        {
            if (args[i] == "--passive")
            {
                // libgomp spins while waiting; on a shared, oversubscribed machine that costs PyTorch
                // 10-50x. OMP_WAIT_POLICY=PASSIVE makes its idle threads sleep instead.
                passive = true;
                i--;
                continue;
            }
            if (i + 1 >= args.Length) { Console.Error.WriteLine($"option {args[i]} needs a value"); return 2; }
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--only": only = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        string root = RepoRoot.Find();
        string loadStart = LoadAverage();
        bool peer = HasTorch();
        if (!peer) Console.WriteLine($"PyTorch peer skipped: {Python} has no torch module (Debian python3-torch); only our figures are shown.");
        bool avx512 = File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains(" avx512f", StringComparison.Ordinal);
        var env = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture) };
        // OpenBLAS's SkylakeX kernels die with SIGILL on CPUs without AVX-512; elsewhere let it detect the core.
        if (avx512) env["OPENBLAS_CORETYPE"] = "SkylakeX";
        if (passive) env["OMP_WAIT_POLICY"] = "PASSIVE";

        var ours = new Dictionary<string, List<JsonElement>>();
        var theirs = new Dictionary<string, List<JsonElement>>();
        var sgemmOurs = new List<double>();
        var sgemmPeer = new List<double>();
        string ModelArgs(string m) => $"--model {m} --threads {threads} --epochs {epochs} --seed 42";
        for (int r = 1; r <= rounds; r++)
        {
            foreach (var model in new[] { "mlp", "cnn" })
            {
                if (only != "all" && only != model) continue;
                Console.Error.WriteLine($"round {r}/{rounds}: {model} ours");
                Add(ours, model, RunJson(SelfCommand(), "ours " + ModelArgs(model), env));
                if (!peer) continue;
                Console.Error.WriteLine($"round {r}/{rounds}: {model} pytorch");
                Add(theirs, model, RunJson(Python, $"{Path.Combine(root, "tests", "Benchmarks", "peer", "train_peer.py")} {ModelArgs(model)}", env));
            }
            if (only is "all" or "sgemm")
            {
                Console.Error.WriteLine($"round {r}/{rounds}: sgemm ours");
                sgemmOurs.Add(SgemmTiming.GflopsPerSecond(2048, 2048, 2048, threads: 1, repeats: 5));
                if (peer)
                {
                    Console.Error.WriteLine($"round {r}/{rounds}: sgemm pytorch");
                    var sgEnv = new Dictionary<string, string>(env) { ["OMP_NUM_THREADS"] = "1" };
                    string line = RunText(Python, $"{Path.Combine(root, "tests", "Benchmarks", "peer", "sgemm_peer.py")} 2048 5", sgEnv);
                    sgemmPeer.Add(double.Parse(line.Split(' ').First(s => s.StartsWith("gflops=", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture));
                }
            }
        }

        var table = new StringBuilder();
        table.AppendLine(Invariant($"Load average (1 min) at start {loadStart}, at end {LoadAverage()} (other processes share these cores; the rounds alternate so both sides see the same load)."));
        table.AppendLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {CpuName()}, {(avx512 ? "AVX-512" : "no AVX-512")}; GEMM kernels {ModelCost.Core.Engine.Kernels.Gemm.Isa}; {threads} threads for training and throughput, 1 for batch-1 latency (ours) and SGEMM; best of {rounds} alternating round(s){(passive ? "; PyTorch with OMP_WAIT_POLICY=PASSIVE" : "")}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC."));
        table.AppendLine();
        table.AppendLine("| Figure | PyTorch | Ours | Ratio (ours / PyTorch) | Goal | Met | Test accuracy (PyTorch / ours) |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var model in new[] { "mlp", "cnn" })
        {
            if (!ours.ContainsKey(model)) continue;
            string name = model.ToUpperInvariant();
            string acc = Invariant($"{Val(theirs, model, "test_accuracy", max: true):F4} / {Val(ours, model, "test_accuracy", max: true):F4}");
            Row(table, $"Seed {name}, {epochs} epochs, batch 64, training time (s)", Val(theirs, model, "train_seconds"), Val(ours, model, "train_seconds"), 0.5, lower: true, "F2", acc);
            Row(table, $"Batch-1 inference latency {name} (µs, median)", Val(theirs, model, "latency_b1_median_us"), Val(ours, model, "latency_b1_median_us"), 0.2, lower: true, "F1", "");
            Row(table, $"Inference throughput {name}, batches of 1000 (images/s)", Val(theirs, model, "throughput_b1000_per_s", max: true), Val(ours, model, "throughput_b1000_per_s", max: true), 2.0, lower: false, "N0", "");
            Row(table, $"Peak resident memory training {name} (MiB, VmHWM)", Val(theirs, model, "peak_rss_mib"), Val(ours, model, "peak_rss_mib"), 0.5, lower: true, "F0", "");
        }
        if (sgemmOurs.Count > 0)
            Row(table, "SGEMM 2048³ one core (GFLOP/s)", sgemmPeer.Count > 0 ? sgemmPeer.Max() : double.NaN, sgemmOurs.Max(), 0.8, lower: false, "F1", "");
        Console.WriteLine(table.ToString());
        return 0;
    }

    private static void Row(StringBuilder t, string figure, double peer, double ours, double goal, bool lower, string format, string accuracy)
    {
        double ratio = ours / peer;
        string goalText = lower ? Invariant($"≤ {goal}×") : Invariant($"≥ {goal}×");
        string met = double.IsNaN(ratio) ? "–" : (lower ? ratio <= goal : ratio >= goal) ? "yes" : "no";
        t.AppendLine(Invariant($"| {figure} | {Fmt(peer, format)} | {Fmt(ours, format)} | {Fmt(ratio, "F2")} | {goalText} | {met} | {accuracy} |"));
    }

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Best of the rounds: least time or memory, or most throughput or accuracy.</summary>
    private static double Val(Dictionary<string, List<JsonElement>> runs, string model, string field, bool max = false)
    {
        if (!runs.TryGetValue(model, out var list) || list.Count == 0) return double.NaN;
        var v = list.Select(j => j.GetProperty(field).GetDouble());
        return max ? v.Max() : v.Min();
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
        foreach (var (k, v) in env) psi.Environment[k] = v;
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

    private static string CpuName()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown CPU";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
