using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Data;

public sealed class DatasetLoaderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new("mc-loader");

    public void Dispose() => _tmp.Dispose();

    private string Put(string name, byte[] bytes)
    {
        var p = _tmp.File(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void Pixels_scale_to_unit_range_and_labels_become_indices()
    {
        // 2 images of 1x3: bytes 0, 255, 51 | 102, 153, 204. Scaled by /255: 0, 1, 0.2 | 0.4, 0.6, 0.8.
        var images = Put("i", IdxTestFiles.Images(2, 1, 3, [0, 255, 51, 102, 153, 204]));
        var labels = Put("l", IdxTestFiles.Labels([9, 0]));
        var d = DatasetLoader.LoadIdx(images, labels);
        Assert.Equal(new[] { 1, 3 }, d.SampleShape);
        Assert.Equal(new[] { 9, 0 }, d.TrainY);
        Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f, 0.6f, 0.8f }, d.TrainX);
        Assert.Equal(10, d.Classes);
        Assert.Empty(d.TestY);
    }

    [Fact]
    public void Label_and_image_counts_must_agree()
    {
        var images = Put("imgs", IdxTestFiles.Images(3, 1, 1, [1, 2, 3]));
        var labels = Put("labs", IdxTestFiles.Labels([1, 2, 3, 4]));
        var ex = Assert.Throws<ModelCostException>(() => DatasetLoader.LoadIdx(images, labels));
        Assert.Equal(ErrorIds.IdxCountMismatch, ex.ErrorId);
        Assert.Contains(images, ex.Message);
        Assert.Contains(labels, ex.Message);
        Assert.Contains("3 images", ex.Message);
        Assert.Contains("4 labels", ex.Message);
    }

    [Fact]
    public void A_label_at_or_above_the_class_count_names_file_index_and_value()
    {
        var images = Put("imgs", IdxTestFiles.Images(3, 1, 1, [1, 2, 3]));
        var labels = Put("labs", IdxTestFiles.Labels([1, 9, 10]));
        var ex = Assert.Throws<ModelCostException>(() => DatasetLoader.LoadIdx(images, labels, classes: 10));
        Assert.Equal(ErrorIds.LabelOutOfRange, ex.ErrorId);
        Assert.Contains(labels, ex.Message);
        Assert.Contains("label 10 at index 2", ex.Message);
        // Fewer classes move the failure to the first offending label.
        ex = Assert.Throws<ModelCostException>(() => DatasetLoader.LoadIdx(images, labels, classes: 5));
        Assert.Contains("label 9 at index 1", ex.Message);
    }

    [Fact]
    public void Corrupt_files_surface_through_the_loader()
    {
        var images = Put("imgs", IdxTestFiles.Images(3, 1, 1, [1, 2, 3], magic: 0x00000804));
        var labels = Put("labs", IdxTestFiles.Labels([1, 2, 3]));
        var ex = Assert.Throws<ModelCostException>(() => DatasetLoader.LoadIdx(images, labels));
        Assert.Equal(ErrorIds.IdxBadMagic, ex.ErrorId);
        Assert.Contains(images, ex.Message);
    }

    [Fact]
    public void Loads_the_real_MNIST_test_set()
    {
        const string dir = "/work/shared/data/mnist";
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"))) { output.WriteLine($"skipped: {dir} absent"); return; }
        var info = DatasetCatalog.Resolve("MNIST", dir, new DatasetResolveOptions { UseEnvironment = false, AllowDownload = false });
        Assert.Equal((0, 10000), (info.TrainCount, info.TestCount));
        var d = DatasetLoader.Load(info);
        Assert.Equal(new[] { 28, 28 }, d.SampleShape);
        Assert.Equal(10000L * 784, d.TestX.LongLength);
        // The first ten MNIST test labels are 7 2 1 0 4 1 4 9 5 9 (the digits shown in countless tutorials; also
        // printed by `zcat t10k-labels-idx1-ubyte.gz | xxd -s 8 -l 10`).
        Assert.Equal(new[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, d.TestY[..10]);
        // Mean pixel of the MNIST test set after /255 is 0.1325 (commonly quoted 0.13251; the training set's 0.1307
        // is torchvision's Normalize constant).
        double mean = d.TestX.Average(v => (double)v);
        Assert.InRange(mean, 0.1320, 0.1330);
        Assert.Equal(0f, d.TestX.Min());
        Assert.Equal(1f, d.TestX.Max());
    }

    [Fact]
    public void Loads_the_Debian_FashionMNIST()
    {
        var sys = DatasetDefinition.FashionMnist.SystemFolder!;
        if (!File.Exists(Path.Combine(sys, "train-images-idx3-ubyte.gz"))) { output.WriteLine($"skipped: {sys} absent"); return; }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var d = DatasetLoader.Load(DatasetCatalog.Resolve("FashionMNIST", sys, new DatasetResolveOptions { UseEnvironment = false, AllowDownload = false }));
        output.WriteLine($"resolve + load of Fashion-MNIST (70,000 images, gzip): {sw.Elapsed.TotalSeconds:F2} s"); // information only, not asserted
        Assert.Equal((60000, 10000), (d.TrainCount, d.TestCount));
        // Keras' fashion_mnist.load_data(): y_train[:5] == [9, 0, 0, 3, 0] (ankle boot, T-shirt, T-shirt, dress, T-shirt),
        // y_test[:5] == [9, 2, 1, 1, 6]; training-set pixel mean 0.2860 (the usual Normalize((0.2860,), (0.3530,))).
        Assert.Equal(new[] { 9, 0, 0, 3, 0 }, d.TrainY[..5]);
        Assert.Equal(new[] { 9, 2, 1, 1, 6 }, d.TestY[..5]);
        Assert.InRange(d.TrainX.Average(v => (double)v), 0.2855, 0.2865);
    }
}
