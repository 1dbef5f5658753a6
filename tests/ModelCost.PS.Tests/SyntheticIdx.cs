namespace ModelCost.PS.Tests;

/// <summary>
/// A tiny MNIST-shaped dataset written as uncompressed IDX files: 8x8 images whose label k (0..3) lights
/// row k, so training runs in milliseconds per epoch anywhere (no download, no installed dataset).
/// </summary>
internal static class SyntheticIdx
{
    public static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("modelcost-ps-idx-").FullName;
        Write(folder, "train", 240);
        Write(folder, "t10k", 80);
        return folder;
    }

    private static void Write(string folder, string prefix, int count, int size = 8)
    {
        var images = new byte[16 + count * size * size];
        var labels = new byte[8 + count];
        BigEndian(images, 0, 0x00000803);
        BigEndian(images, 4, count);
        BigEndian(images, 8, size);
        BigEndian(images, 12, size);
        BigEndian(labels, 0, 0x00000801);
        BigEndian(labels, 4, count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[8 + i] = (byte)label;
            for (int c = 0; c < size; c++) images[16 + i * size * size + label * size + c] = 255;
        }
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
    }

    private static void BigEndian(byte[] buffer, int offset, int value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }
}
