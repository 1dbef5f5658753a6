using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Models;

public sealed class TrainedModelFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-model");

    public void Dispose() => _tmp.Dispose();

    /// <summary>Seed 000's CNN (examples/specs/seed000_cnn.yaml, copied next to the test assembly).</summary>
    private static ModelSpec SeedCnn() => ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", "seed000_cnn.yaml"));

    /// <summary>Weights for every slot of the layout, value = slot index + position / 1000 (distinct, reproducible).</summary>
    private static TrainedModel Filled(ModelSpec spec)
    {
        var slots = WeightLayout.For(ShapeInference.Resolve(spec));
        var tensors = slots.Select((s, k) => new NamedTensor(s.Name, s.Shape,
            Enumerable.Range(0, (int)s.Elements).Select(i => k + i / 1000f).ToArray())).ToList();
        return new TrainedModel(spec, tensors);
    }

    [Fact]
    public void Round_trips_the_seed_CNN_and_its_size_is_the_parameters_plus_the_header()
    {
        var model = Filled(SeedCnn());
        var path = _tmp.File("cnn.safetensors");
        long size = TrainedModelFile.Save(model, path, overwrite: false);
        var b = File.ReadAllBytes(path);
        ulong header = BinaryPrimitives.ReadUInt64LittleEndian(b);
        // Seed 000's Keras summary: 56,714 parameters (conv 160 + 4,640, dense 51,264 + 650), all float32:
        // 226,856 bytes of tensor data after the 8-byte length and the space-padded JSON header.
        Assert.Equal(8 + (long)header + 56_714 * 4, b.LongLength);
        Assert.Equal(b.LongLength, size);
        Assert.Equal(0UL, header % 8);
        output.WriteLine($"seed000 CNN file: {size} bytes ({size / 1024.0 / 1024.0:F3} MiB), header {header} bytes");

        var loaded = TrainedModelFile.Load(path);
        Assert.Equal(model.Spec, loaded.Spec);
        Assert.Equal(model.Tensors.Select(t => t.Name), loaded.Tensors.Select(t => t.Name));
        for (int i = 0; i < model.Tensors.Count; i++)
        {
            Assert.Equal(model.Tensors[i].Shape, loaded.Tensors[i].Shape);
            Assert.Equal(model.Tensors[i].Data, loaded.Tensors[i].Data);
        }
        var (_, meta) = SafetensorsFile.Read(path);
        Assert.Equal("1", meta[TrainedModelFile.FormatKey]);
        Assert.StartsWith("ModelCost.PS ", meta[TrainedModelFile.CreatedByKey]);
        Assert.Equal("keras", meta[TrainedModelFile.LayoutKey]);
    }

    [Fact]
    public void BatchNormalization_moving_statistics_are_saved_too()
    {
        var spec = new ModelSpec
        {
            Name = "bn", InputShape = [6],
            Layers = [new LayerSpec { Type = "Dense", Units = 4, Name = "d" }, new LayerSpec { Type = "BatchNormalization", Name = "bn" }, new LayerSpec { Type = "Dense", Units = 2, Name = "out" }],
        };
        var path = _tmp.File("bn.safetensors");
        TrainedModelFile.Save(Filled(spec), path, false);
        var names = TrainedModelFile.Load(path).Tensors.Select(t => t.Name).ToArray();
        // Keras BatchNormalization owns gamma, beta, moving_mean, moving_variance (4 x channels).
        Assert.Equal(new[] { "d.kernel", "d.bias", "bn.gamma", "bn.beta", "bn.moving_mean", "bn.moving_variance", "out.kernel", "out.bias" }, names);
    }

    private string WriteWith(IReadOnlyList<NamedTensor> tensors, ModelSpec spec, Dictionary<string, string>? extraMeta = null, bool withSpec = true)
    {
        var meta = new Dictionary<string, string>();
        if (withSpec) meta[TrainedModelFile.SpecKey] = ModelSpecYaml.Serialize(spec);
        foreach (var (k, v) in extraMeta ?? []) meta[k] = v;
        var path = _tmp.File(Guid.NewGuid().ToString("N")[..8] + ".safetensors");
        SafetensorsFile.Write(path, tensors, meta, false);
        return path;
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var m = Filled(SeedCnn());
        var path = WriteWith(m.Tensors.Where(t => t.Name != "dense.bias").ToList(), m.Spec);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.SpecTensorMismatch, ex.ErrorId);
        Assert.Contains("lacks tensor 'dense.bias'", ex.Message);
        Assert.Contains("(64,)", ex.Message);
        Assert.Equal(path, ex.File);
    }

    [Fact]
    public void An_extra_tensor_is_named()
    {
        var m = Filled(SeedCnn());
        var path = WriteWith([.. m.Tensors, new NamedTensor("dense_9.kernel", [1], [0])], m.Spec);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.SpecTensorMismatch, ex.ErrorId);
        Assert.Contains("'dense_9.kernel'", ex.Message);
    }

    [Fact]
    public void A_transposed_kernel_is_a_shape_mismatch()
    {
        // A PyTorch-layout Linear weight is (out, in) = (10, 64); the Keras layout the spec needs is (64, 10).
        var m = Filled(SeedCnn());
        var tensors = m.Tensors.Select(t => t.Name == "dense_1.kernel" ? new NamedTensor(t.Name, [10, 64], t.Data) : t).ToList();
        var path = WriteWith(tensors, m.Spec);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.SpecTensorMismatch, ex.ErrorId);
        Assert.Contains("'dense_1.kernel' has shape (10, 64)", ex.Message);
        Assert.Contains("needs (64, 10)", ex.Message);
    }

    [Fact]
    public void Saving_inconsistent_weights_fails_and_writes_nothing()
    {
        var m = Filled(SeedCnn());
        var bad = new TrainedModel(m.Spec, m.Tensors.Skip(1).ToList());
        var path = _tmp.File("never.safetensors");
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Save(bad, path, false));
        Assert.Equal(ErrorIds.SpecTensorMismatch, ex.ErrorId);
        Assert.Contains("conv2d.kernel", ex.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_plain_safetensors_file_has_no_spec()
    {
        var m = Filled(SeedCnn());
        var path = WriteWith(m.Tensors, m.Spec, withSpec: false);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.ModelMetadataMissing, ex.ErrorId);
        Assert.Contains(TrainedModelFile.SpecKey, ex.Message);
    }

    [Fact]
    public void A_newer_format_or_other_layout_is_refused()
    {
        var m = Filled(SeedCnn());
        var path = WriteWith(m.Tensors, m.Spec, new() { [TrainedModelFile.FormatKey] = "2" });
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.UnsupportedModelFormat, ex.ErrorId);
        Assert.Contains("version 2", ex.Message);
        path = WriteWith(m.Tensors, m.Spec, new() { [TrainedModelFile.LayoutKey] = "torch" });
        Assert.Equal(ErrorIds.UnsupportedModelFormat, Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path)).ErrorId);
    }

    [Fact]
    public void A_spec_in_the_metadata_that_does_not_parse_names_the_file()
    {
        var m = Filled(SeedCnn());
        var path = _tmp.File("badspec.safetensors");
        SafetensorsFile.Write(path, m.Tensors, new Dictionary<string, string> { [TrainedModelFile.SpecKey] = "apiVersion: modelcost/v1\nkind: [unclosed" }, false);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        output.WriteLine($"{ex.ErrorId}: {ex.Message}");
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Export_cancelled_or_refused_leaves_the_old_file()
    {
        var path = _tmp.File("old.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Save(Filled(SeedCnn()), path, overwrite: true, cts.Token));
        Assert.Equal(ErrorIds.OperationCancelled, ex.ErrorId);
        ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Save(Filled(SeedCnn()), path, overwrite: false));
        Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Empty(_tmp.TempFiles());
    }

    [Fact]
    public void Truncated_model_file_is_corrupt()
    {
        var path = _tmp.File("cut.safetensors");
        TrainedModelFile.Save(Filled(SeedCnn()), path, false);
        var b = File.ReadAllBytes(path);
        File.WriteAllBytes(path, b[..(b.Length - 100)]);
        var ex = Assert.Throws<ModelCostException>(() => TrainedModelFile.Load(path));
        Assert.Equal(ErrorIds.SafetensorsCorrupt, ex.ErrorId);
    }

    private const string MnistDir = "/work/shared/data/mnist";

    [Fact]
    public void A_trained_MLP_evaluates_the_same_after_import_and_in_PyTorch() =>
        TrainExportAndCompare(new ModelSpec
        {
            Name = "mlp", InputShape = [28, 28, 1],
            Layers =
            [
                new LayerSpec { Type = "Flatten" },
                new LayerSpec { Type = "Dense", Units = 32, Activation = "relu", Name = "hidden" },
                new LayerSpec { Type = "Dense", Units = 10, Activation = "softmax", Name = "out" },
            ],
        }, epochs: 2, "flatten", "dense:hidden:relu", "dense:out:softmax");

    [Fact]
    public void A_trained_CNN_evaluates_the_same_after_import_and_in_PyTorch() =>
        // Checks the Keras kernel layout (kh, kw, cin, cout) and channels-last flatten order survive the file:
        // PyTorch permutes the kernel to (cout, cin, kh, kw) and flattens NHWC, as tests/peer/eval_exported.py shows.
        TrainExportAndCompare(new ModelSpec
        {
            Name = "cnn", InputShape = [28, 28, 1],
            Layers =
            [
                new LayerSpec { Type = "Conv2D", Filters = 8, KernelSize = [3, 3], Activation = "relu", Name = "conv" },
                new LayerSpec { Type = "MaxPooling2D", PoolSize = [2, 2] },
                new LayerSpec { Type = "Flatten" },
                new LayerSpec { Type = "Dense", Units = 10, Activation = "softmax", Name = "out" },
            ],
        }, epochs: 1, "conv:conv:relu", "pool:2", "flatten", "dense:out:softmax");

    private void TrainExportAndCompare(ModelSpec spec, int epochs, params string[] peerOps)
    {
        if (!File.Exists(Path.Combine(MnistDir, "t10k-images-idx3-ubyte.gz"))) { output.WriteLine($"skipped: {MnistDir} absent"); return; }
        // MNIST test set split: first 3000 images train, last 2000 evaluate.
        var all = DatasetLoader.Load(DatasetCatalog.Resolve("MNIST", MnistDir, new DatasetResolveOptions { UseEnvironment = false, AllowDownload = false }));
        const int nTrain = 3000, nEval = 2000, start = 10000 - nEval;
        var data = new TrainingData
        {
            Name = "mnist-split", SampleShape = [28, 28, 1], Classes = 10,
            TrainX = all.TestX[..(nTrain * 784)], TrainY = all.TestY[..nTrain],
            TestX = all.TestX[(start * 784)..], TestY = all.TestY[start..],
        };
        var result = Trainer.Train(spec, data, new TrainingOptions { Epochs = epochs, BatchSize = 64, ValidationSplit = 0, Seed = 3, Threads = 1 });
        var path = _tmp.File(spec.Name + ".safetensors");
        TrainedModelFile.Save(result.GetTrainedModel(), path, false);
        var imported = TrainedModelFile.Load(path);
        var before = Evaluator.Evaluate(result.GetTrainedModel(), data, new EvaluationOptions { Threads = 1 });
        var after = Evaluator.Evaluate(imported, data, new EvaluationOptions { Threads = 1 });
        output.WriteLine($"engine: {before}; imported: {after}");
        Assert.Equal(before.Accuracy, after.Accuracy);
        Assert.Equal(before.Loss, after.Loss);
        Assert.True(after.Accuracy > 0.5, $"training should beat chance (0.1) by far, got {after.Accuracy}");

        // PyTorch peer: OMP_NUM_THREADS=2 /usr/bin/python3 tests/peer/eval_exported.py MODEL.safetensors
        //   t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz 8000 2000 OPS...
        // (OPENBLAS_CORETYPE=SkylakeX crashes torch's matmul with SIGILL on this AVX2-only CPU, so it is not set.)
        var script = SafetensorsFileTests.PeerScript();
        if (script is null) { output.WriteLine("skipped PyTorch peer: /usr/bin/python3 or tests/peer absent"); return; }
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(Path.GetDirectoryName(script)!, "eval_exported.py"), path,
                     Path.Combine(MnistDir, "t10k-images-idx3-ubyte.gz"), Path.Combine(MnistDir, "t10k-labels-idx1-ubyte.gz"), "8000", "2000" }.Concat(peerOps))
            psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(180_000), "python peer timed out");
        if (p.ExitCode != 0 && se.Result.Contains("No module named 'torch'", StringComparison.Ordinal)) { output.WriteLine("skipped PyTorch peer: no torch"); return; }
        Assert.True(p.ExitCode == 0, $"python peer exited {p.ExitCode}: {se.Result} {so.Result}");
        using var doc = JsonDocument.Parse(so.Result);
        double torchAcc = doc.RootElement.GetProperty("accuracy").GetDouble();
        double torchLoss = doc.RootElement.GetProperty("loss").GetDouble();
        output.WriteLine($"PyTorch on the exported weights: accuracy {torchAcc}, loss {torchLoss}");
        // Same weights, same inputs: float32 summation order may flip an argmax at a near-tie, at most one sample here.
        Assert.InRange(Math.Abs(torchAcc - after.Accuracy), 0, 1.0 / nEval + 1e-12);
        Assert.InRange(Math.Abs(torchLoss - after.Loss), 0, 1e-4);
    }
}
