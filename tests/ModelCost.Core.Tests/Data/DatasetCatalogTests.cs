using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Data;

/// <summary>Resolution order and folder rules. Tests that touch $MODELCOST_DATA live in one class so they never race.</summary>
public sealed class DatasetCatalogTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-catalog");

    public void Dispose() => _tmp.Dispose();

    private DatasetResolveOptions Offline(bool env = false, bool system = false) => new()
    {
        CacheRoot = Path.Combine(_tmp.Path, "cache"),
        UseEnvironment = env,
        UseSystemFolders = system,
        AllowDownload = false,
    };

    [Theory]
    [InlineData("FashionMNIST", "FashionMNIST")]
    [InlineData("fashion-mnist", "FashionMNIST")]
    [InlineData("FASHION_MNIST", "FashionMNIST")]
    [InlineData("fashionmnist", "FashionMNIST")]
    [InlineData("mnist", "MNIST")]
    [InlineData(" MNIST ", "MNIST")]
    public void Names_are_case_insensitive_with_aliases(string given, string canonical)
    {
        Assert.Equal(canonical, DatasetCatalog.Find(given)?.Name);
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("cifar10", options: Offline()));
        Assert.Equal(ErrorIds.UnknownDataset, ex.ErrorId);
        Assert.Contains("FashionMNIST", ex.Message);
        Assert.Contains("MNIST", ex.Message);
    }

    [Fact]
    public void Path_with_the_files_wins_and_counts_come_from_the_headers()
    {
        var dir = Path.Combine(_tmp.Path, "mine");
        IdxTestFiles.WriteDataset(dir, train: 4, test: 2);
        var info = DatasetCatalog.Resolve("MNIST", dir, Offline());
        Assert.Equal(("MNIST", "Path", 4, 2, 10), (info.Name, info.Source, info.TrainCount, info.TestCount, info.Classes));
        Assert.Equal(new[] { 28, 28 }, info.ImageShape);
        Assert.Equal(Path.GetFullPath(dir), info.Location);
    }

    [Fact]
    public void Path_may_hold_a_subfolder_named_after_the_dataset_and_raw_files()
    {
        var sub = Path.Combine(_tmp.Path, "root", "fashion-mnist");
        IdxTestFiles.WriteDataset(sub, train: 2, test: 1, gzip: false);
        var info = DatasetCatalog.Resolve("FashionMNIST", Path.Combine(_tmp.Path, "root"), Offline());
        Assert.Equal(Path.GetFullPath(sub), info.Location);
        Assert.Equal((2, 1), (info.TrainCount, info.TestCount));
    }

    [Fact]
    public void Test_pair_only_is_a_dataset_with_no_training_split()
    {
        var dir = Path.Combine(_tmp.Path, "testonly");
        IdxTestFiles.WriteDataset(dir, train: 0, test: 3, includeTrain: false);
        var info = DatasetCatalog.Resolve("MNIST", dir, Offline());
        Assert.Equal((0, 3), (info.TrainCount, info.TestCount));
        var data = DatasetLoader.Load(info);
        Assert.Empty(data.TrainX);
        Assert.Equal(3, data.TestCount);
    }

    [Fact]
    public void Path_errors_are_specific()
    {
        var missing = Path.Combine(_tmp.Path, "missing");
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", missing, Offline()));
        Assert.Equal(ErrorIds.DatasetNotFound, ex.ErrorId);
        Assert.Contains(missing, ex.Message);

        var file = _tmp.File("a-file");
        File.WriteAllText(file, "x");
        ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", file, Offline()));
        Assert.Contains("is a file", ex.Message);

        var emptyDir = Path.Combine(_tmp.Path, "emptydir");
        Directory.CreateDirectory(emptyDir);
        ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", emptyDir, Offline()));
        Assert.Contains("t10k-images-idx3-ubyte", ex.Message);

        var half = Path.Combine(_tmp.Path, "half");
        IdxTestFiles.WriteDataset(half, train: 2, test: 1);
        File.Delete(Path.Combine(half, "train-labels-idx1-ubyte.gz"));
        ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", half, Offline()));
        Assert.Contains("train-labels-idx1-ubyte", ex.Message);
    }

    [Fact]
    public void Count_mismatch_in_the_headers_is_reported_at_resolve()
    {
        var dir = Path.Combine(_tmp.Path, "mismatch");
        IdxTestFiles.WriteDataset(dir, train: 2, test: 3);
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), IdxTestFiles.Gzip(IdxTestFiles.Labels([1, 2])));
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", dir, Offline()));
        Assert.Equal(ErrorIds.IdxCountMismatch, ex.ErrorId);
        Assert.Contains("t10k-images-idx3-ubyte.gz", ex.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", ex.Message);
    }

    [Fact]
    public void Debian_folder_is_used_for_FashionMNIST()
    {
        var sys = DatasetDefinition.FashionMnist.SystemFolder!;
        if (!File.Exists(Path.Combine(sys, "t10k-images-idx3-ubyte.gz"))) { output.WriteLine($"skipped: {sys} absent"); return; }
        var info = DatasetCatalog.Resolve("fashion-mnist", options: Offline(system: true));
        // Fashion-MNIST: 60,000 training and 10,000 test images of 28x28 in 10 classes (Zalando README).
        Assert.Equal(("Debian", 60000, 10000, 10), (info.Source, info.TrainCount, info.TestCount, info.Classes));
        Assert.Equal(sys, info.Location);
    }

    [Fact]
    public void Default_cache_root_follows_XDG_on_Linux()
    {
        if (!OperatingSystem.IsLinux()) { output.WriteLine("skipped: not Linux"); return; }
        var root = DatasetCatalog.DefaultCacheRoot();
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var expected = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? Path.Combine(xdg, "modelcost", "datasets")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelcost", "datasets");
        Assert.Equal(expected, root);
    }
}
