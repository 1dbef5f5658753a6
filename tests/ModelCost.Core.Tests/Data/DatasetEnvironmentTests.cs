using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Data;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DatasetEnvironmentTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-env");

    public void Dispose() => _tmp.Dispose();

    private DatasetResolveOptions Offline() => new()
    {
        CacheRoot = Path.Combine(_tmp.Path, "cache"),
        UseEnvironment = true,
        UseSystemFolders = false,
        AllowDownload = false,
    };

    [Fact]
    public void Environment_then_cache_then_nothing()
    {
        var envRoot = Path.Combine(_tmp.Path, "env");
        IdxTestFiles.WriteDataset(Path.Combine(envRoot, "MNIST"), train: 1, test: 1);
        var cache = Path.Combine(_tmp.Path, "cache", "mnist");
        IdxTestFiles.WriteDataset(cache, train: 2, test: 2);
        var saved = Environment.GetEnvironmentVariable(DatasetCatalog.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DatasetCatalog.EnvironmentVariable, envRoot);
            var info = DatasetCatalog.Resolve("mnist", options: Offline());
            Assert.Equal(("Environment", 1), (info.Source, info.TrainCount));

            // The environment folder lacks Fashion-MNIST: falls through (here to "not found", downloads disabled).
            var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("FashionMNIST", options: Offline()));
            Assert.Equal(ErrorIds.DatasetNotFound, ex.ErrorId);

            // Files directly in the environment folder are used for whichever dataset is asked.
            var flat = Path.Combine(_tmp.Path, "flat");
            IdxTestFiles.WriteDataset(flat, train: 3, test: 1);
            Environment.SetEnvironmentVariable(DatasetCatalog.EnvironmentVariable, flat);
            Assert.Equal(3, DatasetCatalog.Resolve("FashionMNIST", options: Offline()).TrainCount);

            Environment.SetEnvironmentVariable(DatasetCatalog.EnvironmentVariable, Path.Combine(_tmp.Path, "nowhere"));
            info = DatasetCatalog.Resolve("MNIST", options: Offline());
            Assert.Equal(("Cache", 2), (info.Source, info.TrainCount));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DatasetCatalog.EnvironmentVariable, saved);
        }
    }

}
