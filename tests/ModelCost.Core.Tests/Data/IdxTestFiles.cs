using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelCost.Core.Tests.Data;

/// <summary>Builds IDX files byte by byte from the format description (big-endian magic and dimensions).</summary>
internal static class IdxTestFiles
{
    public static byte[] Images(int count, int rows, int cols, byte[] pixels, int magic = 0x00000803)
    {
        var b = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        pixels.CopyTo(b, 16);
        return b;
    }

    public static byte[] Labels(byte[] labels, int? count = null, int magic = 0x00000801)
    {
        var b = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), count ?? labels.Length);
        labels.CopyTo(b, 8);
        return b;
    }

    /// <summary>Deterministic pseudo-random pixels so tests can compare byte for byte.</summary>
    public static byte[] Pixels(int n, int seed = 1)
    {
        var r = new Random(seed);
        var p = new byte[n];
        r.NextBytes(p);
        return p;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    /// <summary>Writes the four files of a small MNIST-shaped dataset (28×28) into <paramref name="folder"/>.</summary>
    public static void WriteDataset(string folder, int train, int test, bool gzip = true, bool includeTrain = true, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        void Put(string name, byte[] raw) =>
            File.WriteAllBytes(Path.Combine(folder, gzip ? name + ".gz" : name), gzip ? Gzip(raw) : raw);
        if (includeTrain)
        {
            Put("train-images-idx3-ubyte", Images(train, 28, 28, Pixels(train * 784, seed)));
            Put("train-labels-idx1-ubyte", Labels(Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray()));
        }
        Put("t10k-images-idx3-ubyte", Images(test, 28, 28, Pixels(test * 784, seed + 1)));
        Put("t10k-labels-idx1-ubyte", Labels(Enumerable.Range(0, test).Select(i => (byte)((i + 3) % 10)).ToArray()));
    }
}
