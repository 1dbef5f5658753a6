using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Export.PyTorch;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines.PyTorch;

/// <summary>
/// Trains a spec with PyTorch DistributedDataParallel in N local processes: exports the spec
/// (<see cref="PyTorchExporter"/>) into a temporary folder, starts the ranks on 127.0.0.1 with the standard
/// environment variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK), turns rank 0's JSON lines
/// into progress reports and the History, and loads the weights rank 0 writes into the same
/// <see cref="TrainingResult"/> our engine returns. A rank that fails or a run that stops making progress
/// stops every rank (process trees are killed; the ranks also end themselves when this process is gone), and
/// so does cancellation. docs/pytorch.md describes the script and its options.
/// </summary>
public static class PyTorchTrainer
{
    /// <summary>The engine name its results carry (the catalogue's PyTorch).</summary>
    public const string EngineName = "PyTorch";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    public static TrainingResult Train(ModelSpec spec, DatasetInfo dataset, TrainingOptions options, PyTorchTrainingOptions? launch = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        launch ??= new PyTorchTrainingOptions();
        var model = ShapeInference.Resolve(spec);
        var plan = Plan(model, dataset, options, launch);
        string python = string.IsNullOrWhiteSpace(launch.PythonPath) ? PythonTorchProbe.DefaultPython : launch.PythonPath;
        int port = ChoosePort(launch.MasterPort);
        PythonTorchProbe.Probe(python, ProbeTimeout, cancellationToken);

        var dir = Directory.CreateTempSubdirectory("modelcost-pytorch-").FullName;
        try
        {
            var script = Path.Combine(dir, "model.py");
            var text = PyTorchExporter.Generate(spec, "model.py");
            File.WriteAllText(script, launch.ScriptTransform is null ? text : launch.ScriptTransform(text));
            var weights = Path.Combine(dir, "weights.safetensors");
            var run = new RankRun(spec.Name, launch.Processes, python, launch.StallTimeout, progress, options.Epochs);
            run.Start(script, Arguments(script, dataset, options, plan, weights, launch), port, plan.Threads, dir, launch.RankStarted);
            var done = run.WaitForCompletion(cancellationToken);
            if (!File.Exists(weights))
                throw run.Failed(0, "finished without writing its weights");
            var trained = TrainedModelFile.Load(weights, cancellationToken);
            var last = run.History.Count > 0 ? run.History[^1] : null;
            return new TrainingResult(trained)
            {
                Model = spec.Name, Dataset = dataset.Name, Engine = EngineName, Epochs = run.History.Count, BatchSize = options.BatchSize,
                Optimizer = plan.Optimizer, LearningRate = plan.LearningRate, Seed = options.Seed, Loss = plan.Loss,
                Threads = plan.Threads, Processes = launch.Processes, Params = model.Params,
                TrainLoss = last?.Loss ?? double.NaN, TrainAccuracy = last?.Accuracy ?? double.NaN,
                ValLoss = last?.ValLoss ?? double.NaN, ValAccuracy = last?.ValAccuracy ?? double.NaN,
                TestLoss = Number(done, "test_loss"), TestAccuracy = Number(done, "test_accuracy"),
                TrainSeconds = Number(done, "train_seconds"), SamplesPerSecond = Number(done, "samples_per_second"),
                Status = TrainingStatus.Completed, History = run.History.ToArray(),
            };
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record RunPlan(TrainingOptimizer Optimizer, double LearningRate, LossKind Loss, int Threads);

    /// <summary>Every check that needs no process: the same rules (and error ids) as our own engine.</summary>
    private static RunPlan Plan(ResolvedModel model, DatasetInfo dataset, TrainingOptions o, PyTorchTrainingOptions launch)
    {
        var (optimizer, lr) = Trainer.CheckOptions(o);
        var loss = Trainer.CheckLoss(o.Loss);
        if (launch.Processes < 1)
            throw EngineChecks.Option("Processes", launch.Processes, $"Processes {launch.Processes.ToString(CultureInfo.InvariantCulture)} must be at least 1.");
        if (launch.StallTimeout <= TimeSpan.Zero)
            throw EngineChecks.Option("StallTimeout", launch.StallTimeout, "StallTimeout must be positive.");
        if (launch.MasterPort is < 0 or > 65535)
            throw EngineChecks.Option("MasterPort", launch.MasterPort, $"MasterPort {launch.MasterPort.ToString(CultureInfo.InvariantCulture)} must be 0 (a free port) or 1-65535.");
        long modelIn = ShapeInference.Elements(model.InputShape), sample = ShapeInference.Elements(dataset.ImageShape);
        if (modelIn != sample)
            throw new ModelCostException(ErrorIds.DatasetShapeMismatch, ModelCostErrorCategory.InvalidArgument,
                $"Model '{model.Name}' takes inputs of shape {ShapeText.FormatWithBatch(model.InputShape)} ({modelIn} values) but dataset '{dataset.Name}' has samples of shape {ShapeText.FormatWithBatch(dataset.ImageShape)} ({sample} values).", dataset.Name);
        TrainingSplit.Of(dataset.TrainCount, o, dataset.Name);
        LossFunction.Plan(model, loss, o.FromLogits, dataset.Classes);
        if (loss == LossKind.BinaryCrossentropy && !model.Layers[^1].OutputShape.AsSpan().SequenceEqual([1]))
            throw EngineChecks.Option("Loss", o.Loss, "The PyTorch engine trains BinaryCrossentropy on one sigmoid output only; use SparseCategoricalCrossentropy for several outputs.");
        int threads = o.Threads > 0 ? o.Threads : Math.Max(1, Environment.ProcessorCount / launch.Processes);
        return new RunPlan(optimizer, lr, loss, threads);
    }

    private static List<string> Arguments(string script, DatasetInfo dataset, TrainingOptions o, RunPlan plan, string weights, PyTorchTrainingOptions launch)
    {
        string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-u", script, "--data", dataset.Location, "--epochs", I(o.Epochs), "--batch-size", I(PerRankBatch(o.BatchSize, launch.Processes)), "--seed", I(o.Seed),
            "--out", weights, "--optimizer", plan.Optimizer.ToString().ToLowerInvariant(), "--lr", N(plan.LearningRate), "--momentum", N(o.Momentum),
            "--weight-decay", N(o.WeightDecay), "--validation-split", N(o.ValidationSplit), "--threads", I(plan.Threads),
            // The ranks' own collective timeout is longer than the watchdog's, so a hang is reported as a hang.
            "--timeout", N(launch.StallTimeout.TotalSeconds + 60), "--progress-seconds", N(Math.Max(0, o.ProgressInterval.TotalSeconds)),
        };
        if (!o.Shuffle) args.Add("--no-shuffle");
        if (!o.EvaluateTest) args.Add("--no-test");
        return args;
    }

    /// <summary>
    /// BatchSize is the samples of one optimizer step, as on our engine; under DDP a step averages the gradients of
    /// every rank, so each rank takes its share (rounded up) and the step count per epoch stays what it is in one process.
    /// </summary>
    internal static int PerRankBatch(int batchSize, int processes) => (batchSize + processes - 1) / processes;

    /// <summary>A free port (asked of the OS), or the requested one after checking nothing listens on it.</summary>
    private static int ChoosePort(int requested)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, requested);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
        catch (SocketException ex)
        {
            throw new ModelCostException(ErrorIds.DistributedPortInUse, ModelCostErrorCategory.ResourceUnavailable,
                $"Port {requested.ToString(CultureInfo.InvariantCulture)} on 127.0.0.1 is in use ({ex.SocketErrorCode}); the ranks need it to meet. Choose another MasterPort, or 0 for a free one.", requested)
            { Option = "MasterPort" };
        }
    }

    private static double Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    /// <summary>The ranks of one run and what rank 0 has said so far.</summary>
    private sealed class RankRun(string model, int processes, string python, TimeSpan stallTimeout, IProgress<TrainingProgress>? progress, int epochs)
    {
        private readonly BlockingCollection<string> _lines = new();
        private readonly List<RankProcess> _ranks = new();
        private readonly Stopwatch _sinceOutput = new(), _run = new();
        private string _phase = "start-up";

        public List<TrainingEpoch> History { get; } = new();

        public void Start(string script, List<string> arguments, int port, int threads, string workingDirectory, Action<int, int>? started)
        {
            _run.Start();
            _sinceOutput.Start();
            var loopback = OperatingSystem.IsLinux() && Directory.Exists("/sys/class/net/lo");
            for (int r = 0; r < processes; r++)
            {
                var env = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                    ["WORLD_SIZE"] = processes.ToString(CultureInfo.InvariantCulture), ["RANK"] = r.ToString(CultureInfo.InvariantCulture),
                    ["LOCAL_RANK"] = r.ToString(CultureInfo.InvariantCulture), ["LOCAL_WORLD_SIZE"] = processes.ToString(CultureInfo.InvariantCulture),
                    ["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture), ["PYTHONUNBUFFERED"] = "1",
                    ["MODELCOST_EXIT_WITH_PARENT"] = "1",
                };
                if (loopback) env["GLOO_SOCKET_IFNAME"] = "lo";
                try
                {
                    var rank = RankProcess.Start(r, python, arguments, env, workingDirectory, OnLine);
                    _ranks.Add(rank);
                    started?.Invoke(r, rank.Id);
                }
                catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    StopAll();
                    throw new ModelCostException(ErrorIds.PythonNotFound, ModelCostErrorCategory.ObjectNotFound,
                        $"Rank {r.ToString(CultureInfo.InvariantCulture)} could not be started with '{python}': {ex.Message}", python, ex) { Option = "PythonPath" };
                }
            }
        }

        private void OnLine(int rank, string line)
        {
            if (rank != 0) return;
            try { _lines.Add(line); }
            catch (InvalidOperationException) { } // the run is over: nobody reads any more
        }

        /// <summary>Follows the run until every rank has exited after 'done'; returns the 'done' record.</summary>
        public JsonElement WaitForCompletion(CancellationToken ct)
        {
            JsonElement? done = null;
            try
            {
                while (true)
                {
                    if (ct.IsCancellationRequested)
                    {
                        StopAll();
                        throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                            $"Training of '{model}' on {processes.ToString(CultureInfo.InvariantCulture)} PyTorch rank(s) was cancelled during {_phase}; every rank was stopped.", model);
                    }
                    if (_lines.TryTake(out var line, 100))
                    {
                        _sinceOutput.Restart();
                        if (Handle(line) is { } d) done = d;
                        continue;
                    }
                    var failed = _ranks.Where(r => r.HasExited && r.ExitCode != 0).ToList();
                    if (failed.Count > 0)
                    {
                        // The rank that failed first is usually the cause; the others fail in reaction (gloo reports the
                        // closed connection). On a loaded machine the reacting rank can exit before the failing one has
                        // finished printing its traceback, so a reaction waits (up to 5 s) for the cause to exit too, and
                        // a rank that failed for its own reason is named before one that reacted to a peer.
                        var wait = Stopwatch.StartNew();
                        do Thread.Sleep(100);
                        while (wait.Elapsed < TimeSpan.FromMilliseconds(500)
                            || (wait.Elapsed < TimeSpan.FromSeconds(5) && !_ranks.All(r => r.HasExited)
                                && _ranks.Where(r => r.HasExited && r.ExitCode != 0).All(ReactedToPeer)));
                        var first = _ranks.Where(r => r.HasExited && r.ExitCode != 0)
                            .OrderBy(r => ReactedToPeer(r) ? 1 : 0).ThenBy(r => r.ExitTime).First();
                        StopAll();
                        throw Failed(first.Rank, $"exited with code {first.ExitCode.ToString(CultureInfo.InvariantCulture)}");
                    }
                    if (_ranks.All(r => r.HasExited))
                    {
                        while (_lines.TryTake(out var rest)) if (Handle(rest) is { } d) done = d;
                        if (done is { } ok) return ok;
                        throw Failed(0, "exited without finishing the run");
                    }
                    if (done is not null && _sinceOutput.Elapsed > ShutdownTimeout)
                    {
                        var stuck = _ranks.First(r => !r.HasExited);
                        StopAll();
                        throw Hung(stuck.Rank, $"did not exit within {ShutdownTimeout.TotalSeconds:0} s after training finished");
                    }
                    if (done is null && _sinceOutput.Elapsed > stallTimeout)
                    {
                        StopAll();
                        throw Hung(-1, $"reported no progress for {stallTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s during {_phase}");
                    }
                }
            }
            finally
            {
                StopAll();
            }
        }

        private JsonElement? Handle(string line)
        {
            if (line.Length == 0 || line[0] != '{') return null;
            JsonElement e;
            try
            {
                using var doc = JsonDocument.Parse(line);
                e = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null; // a line the script's user printed; not ours
            }
            if (!e.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.String) return null;
            switch (ev.GetString())
            {
                case "start":
                    _phase = "epoch 1";
                    break;
                case "batch":
                {
                    int epoch = Int(e, "epoch"), batch = Int(e, "batch"), batches = Int(e, "batches");
                    _phase = $"epoch {epoch.ToString(CultureInfo.InvariantCulture)}";
                    var elapsed = TimeSpan.FromSeconds(Math.Max(0, Number(e, "elapsed")));
                    double fraction = epochs * batches == 0 ? 1 : ((epoch - 1) * (double)batches + batch) / ((double)epochs * batches);
                    var remaining = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
                    progress?.Report(new TrainingProgress
                    {
                        Epoch = epoch, Epochs = epochs, Batch = batch, Batches = batches, Loss = Number(e, "loss"), Accuracy = Number(e, "accuracy"),
                        Elapsed = elapsed, EstimatedRemaining = remaining,
                    });
                    break;
                }
                case "epoch":
                    History.Add(new TrainingEpoch
                    {
                        Epoch = Int(e, "epoch"), Loss = Number(e, "loss"), Accuracy = Number(e, "accuracy"),
                        ValLoss = Number(e, "val_loss"), ValAccuracy = Number(e, "val_accuracy"), Seconds = Number(e, "seconds"),
                    });
                    _phase = History.Count < epochs ? $"epoch {(History.Count + 1).ToString(CultureInfo.InvariantCulture)}" : "the test evaluation";
                    break;
                case "done":
                    _phase = "shutdown";
                    return e;
            }
            return null;
        }

        private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out int i) ? i : 0;

        /// <summary>The rank's last lines say it lost a peer (gloo/NCCL wording), i.e. it failed because another rank did.</summary>
        private static bool ReactedToPeer(RankProcess r) =>
            r.LastLines.Any(l => l.Contains("closed by peer", StringComparison.OrdinalIgnoreCase)
                || l.Contains("reset by peer", StringComparison.OrdinalIgnoreCase) || l.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase));

        public ModelCostException Failed(int rank, string what) =>
            new(ErrorIds.DistributedRankFailed, ModelCostErrorCategory.InvalidOperation,
                $"Rank {rank.ToString(CultureInfo.InvariantCulture)} of {processes.ToString(CultureInfo.InvariantCulture)} training '{model}' with PyTorch {what} during {_phase}; every rank was stopped. {LastLines(rank)}",
                model);

        private ModelCostException Hung(int rank, string what)
        {
            string who = rank >= 0 ? $"Rank {rank.ToString(CultureInfo.InvariantCulture)} of {processes.ToString(CultureInfo.InvariantCulture)}"
                : $"The {processes.ToString(CultureInfo.InvariantCulture)} rank(s)";
            var lines = rank >= 0 ? LastLines(rank) : string.Join(Environment.NewLine, _ranks.Select(r => LastLines(r.Rank)));
            return new(ErrorIds.DistributedRankHung, ModelCostErrorCategory.OperationStopped,
                $"{who} training '{model}' with PyTorch {what}; every rank was stopped. {lines}", model);
        }

        private string LastLines(int rank)
        {
            var r = _ranks.FirstOrDefault(x => x.Rank == rank);
            var lines = r?.LastLines ?? [];
            return lines.Length == 0
                ? $"Rank {rank.ToString(CultureInfo.InvariantCulture)} wrote nothing."
                : $"Last lines of rank {rank.ToString(CultureInfo.InvariantCulture)}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", lines);
        }

        /// <summary>Kills every rank's process tree (in parallel) and waits for them to exit.</summary>
        public void StopAll()
        {
            _lines.CompleteAdding();
            Parallel.ForEach(_ranks, r => r.Kill());
        }
    }
}
