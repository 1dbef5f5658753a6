namespace ModelCost.Core.Data;

/// <summary>
/// A dataset the catalog knows: names, files with their published checksums, mirrors and the
/// system folder a distribution installs it into.
/// </summary>
public sealed class DatasetDefinition
{
    public required string Name { get; init; }
    /// <summary>Other accepted names (compared case-insensitively), also tried as sub-folder names.</summary>
    public required IReadOnlyList<string> Aliases { get; init; }
    /// <summary>Sub-folder of the cache root.</summary>
    public required string CacheFolderName { get; init; }
    public required IReadOnlyList<DatasetFile> Files { get; init; }
    public required IReadOnlyList<Uri> Mirrors { get; init; }
    public string? SystemFolder { get; init; }
    public int[] ImageShape { get; init; } = [28, 28];
    public int Classes { get; init; } = 10;

    // Checksums: MD5 of the .gz files as published by Zalando (fashion-mnist README, "MD5 Checksum"
    // column) and by torchvision's datasets/mnist.py `resources` list for MNIST. The TF-keras and
    // CVDF/OSSCI mirrors serve byte-identical copies.

    /// <summary>Fashion-MNIST (Zalando): 60,000 + 10,000 greyscale 28×28 images, 10 classes.</summary>
    public static DatasetDefinition FashionMnist { get; } = new()
    {
        Name = "FashionMNIST",
        Aliases = ["FashionMNIST", "fashion-mnist", "fashion_mnist", "fashionmnist"],
        CacheFolderName = "fashion-mnist",
        Files =
        [
            new("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", IsTrain: true, IsImages: true),
            new("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", IsTrain: true, IsImages: false),
            new("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", IsTrain: false, IsImages: true),
            new("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", IsTrain: false, IsImages: false),
        ],
        Mirrors =
        [
            new Uri("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
            new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        ],
        SystemFolder = "/usr/share/datasets/fashion-mnist",
    };

    /// <summary>MNIST handwritten digits: 60,000 + 10,000 greyscale 28×28 images, 10 classes.</summary>
    public static DatasetDefinition Mnist { get; } = new()
    {
        Name = "MNIST",
        Aliases = ["MNIST"],
        CacheFolderName = "mnist",
        Files =
        [
            new("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", IsTrain: true, IsImages: true),
            new("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", IsTrain: true, IsImages: false),
            new("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", IsTrain: false, IsImages: true),
            new("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", IsTrain: false, IsImages: false),
        ],
        Mirrors =
        [
            new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
            new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        ],
    };

    /// <summary>All known datasets.</summary>
    public static IReadOnlyList<DatasetDefinition> All { get; } = [FashionMnist, Mnist];
}
