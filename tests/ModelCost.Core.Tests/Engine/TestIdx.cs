using System.IO.Compression;
using ModelCost.Core.Engine;

namespace ModelCost.Core.Tests.Engine;

/// <summary>Test-only IDX reader (gzip) so engine tests do not depend on the data layer.</summary>
internal static class TestIdx
{
    public const string FashionDir = "/usr/share/datasets/fashion-mnist";
    public const string MnistDir = "/work/shared/data/mnist";

    public static (float[] X, int[] Y) Read(string imagesGz, string labelsGz)
    {
        var img = Gunzip(imagesGz);
        var lab = Gunzip(labelsGz);
        if (BigEndian(img, 0) != 0x803 || BigEndian(lab, 0) != 0x801) throw new InvalidDataException("bad IDX magic");
        int n = BigEndian(img, 4), rows = BigEndian(img, 8), cols = BigEndian(img, 12);
        if (BigEndian(lab, 4) != n) throw new InvalidDataException("count mismatch");
        var x = new float[n * rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = img[16 + i] / 255f;
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = lab[8 + i];
        return (x, y);
    }

    /// <summary>Fashion-MNIST as the seed loads it: (28, 28) samples in [0, 1]; null when not installed.</summary>
    public static TrainingData? Fashion()
    {
        if (!File.Exists(Path.Combine(FashionDir, "train-images-idx3-ubyte.gz"))) return null;
        var (trX, trY) = Read(Path.Combine(FashionDir, "train-images-idx3-ubyte.gz"), Path.Combine(FashionDir, "train-labels-idx1-ubyte.gz"));
        var (teX, teY) = Read(Path.Combine(FashionDir, "t10k-images-idx3-ubyte.gz"), Path.Combine(FashionDir, "t10k-labels-idx1-ubyte.gz"));
        return new TrainingData { Name = "FashionMNIST", SampleShape = [28, 28], Classes = 10, TrainX = trX, TrainY = trY, TestX = teX, TestY = teY };
    }

    private static byte[] Gunzip(string path)
    {
        using var fs = File.OpenRead(path);
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static int BigEndian(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}
