using System.Globalization;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Data;

/// <summary>
/// Loads IDX pairs into <see cref="TrainingData"/>: pixels scaled to [0, 1] (byte / 255, kept as bytes and
/// scaled as the engine reads them), labels as class indices checked against the class count. One-hot encoding is the
/// loss's business, not the loader's.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Loads a resolved dataset (train split empty when the folder holds only the test pair).</summary>
    public static TrainingData Load(DatasetInfo info, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        var folder = DatasetFolder.Inspect(info.Location);
        if (!folder.HasTest)
            throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"No {info.Name} test files in '{folder.Location}' any more: expected {DatasetFolder.ExpectedNames}.", folder.Location) { File = folder.Location };
        int classes = info.Classes > 0 ? info.Classes : 10;
        byte[] trainX = [];
        int[] trainY = [];
        int[] shape;
        if (folder.HasTrain)
            (trainX, trainY, _) = LoadPair(folder.TrainImages!, folder.TrainLabels!, classes, cancellationToken);
        (var testX, var testY, shape) = LoadPair(folder.TestImages!, folder.TestLabels!, classes, cancellationToken);
        return new TrainingData
        {
            Name = info.Name,
            Files = info,
            SampleShape = shape,
            Classes = classes,
            TrainPixels = trainX,
            TrainY = trainY,
            TestPixels = testX,
            TestY = testY,
        };
    }

    /// <summary>
    /// Loads an arbitrary IDX pair as the training split (the test split stays empty).
    /// <paramref name="classes"/> bounds the labels (every label must be below it).
    /// </summary>
    public static TrainingData LoadIdx(string imagesPath, string labelsPath, int classes = 10, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        if (classes is < 1 or > 256)
            throw new ModelCostException(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument,
                $"The class count must be between 1 and 256 for byte labels, not {classes.ToString(CultureInfo.InvariantCulture)}.", classes) { Option = "classes" };
        var (x, y, shape) = LoadPair(imagesPath, labelsPath, classes, cancellationToken);
        return new TrainingData
        {
            Name = name ?? Path.GetFileName(imagesPath),
            SampleShape = shape,
            Classes = classes,
            TrainPixels = x,
            TrainY = y,
            TestPixels = [],
            TestY = [],
        };
    }

    internal static (byte[] Pixels, int[] Y, int[] Shape) LoadPair(string imagesPath, string labelsPath, int classes, CancellationToken ct)
    {
        // Headers first: a count mismatch fails before 47 MB of pixels are read.
        var ih = IdxReader.ReadHeader(imagesPath, IdxReader.ImagesMagic);
        var lh = IdxReader.ReadHeader(labelsPath, IdxReader.LabelsMagic);
        if (ih.Count != lh.Count) throw DatasetCatalog.CountMismatch(ih.Path, ih.Count, lh.Path, lh.Count);

        var labels = IdxReader.ReadLabels(labelsPath, ct);
        var y = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
                throw new ModelCostException(ErrorIds.LabelOutOfRange, ModelCostErrorCategory.InvalidData,
                    $"IDX labels file '{lh.Path}': label {labels[i].ToString(CultureInfo.InvariantCulture)} at index {i.ToString(CultureInfo.InvariantCulture)} is not below the class count {classes.ToString(CultureInfo.InvariantCulture)}.",
                    lh.Path) { File = lh.Path };
            y[i] = labels[i];
        }

        var images = IdxReader.ReadImages(imagesPath, ct);
        if (images.Count != y.Length) throw DatasetCatalog.CountMismatch(ih.Path, images.Count, lh.Path, y.Length);
        // Kept as bytes: the engine scales each sample to [0, 1] (byte / 255) as it copies it into a batch.
        return (images.Pixels, y, [images.Rows, images.Cols]);
    }
}
