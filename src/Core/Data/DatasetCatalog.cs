using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.Core.Data;

/// <summary>
/// Finds a dataset's IDX files. Resolution order (first hit wins; see docs/data.md):
/// 1. <c>path</c> (a folder with the files, or with a <c>&lt;name&gt;</c> sub-folder) — an explicit path never falls through;
/// 2. <c>$MODELCOST_DATA</c>: <c>&lt;root&gt;/&lt;name&gt;/</c> for any accepted name, else the files directly in the root;
/// 3. the user cache <c>&lt;cache root&gt;/&lt;fashion-mnist|mnist&gt;</c> when it holds all four files;
/// 4. the distribution folder (Debian's dataset-fashion-mnist: <c>/usr/share/datasets/fashion-mnist</c>);
/// 5. a download of the missing files into the cache, checksum-verified.
/// A folder holding only the test pair (t10k-*) is a valid dataset with TrainCount 0.
/// </summary>
public static class DatasetCatalog
{
    public const string EnvironmentVariable = "MODELCOST_DATA";

    /// <summary>Canonical names of the known datasets.</summary>
    public static IReadOnlyList<string> Names => DatasetDefinition.All.Select(d => d.Name).ToArray();

    /// <summary>The definition for a name or alias (case-insensitive), or null.</summary>
    public static DatasetDefinition? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim();
        return DatasetDefinition.All.FirstOrDefault(d =>
            d.Name.Equals(key, StringComparison.OrdinalIgnoreCase) || d.Aliases.Any(a => a.Equals(key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The download cache root: <c>$XDG_CACHE_HOME/modelcost/datasets</c> (or <c>~/.cache/modelcost/datasets</c>)
    /// on Linux, <c>%LOCALAPPDATA%\ModelCost\datasets</c> on Windows, <c>~/Library/Caches/ModelCost/datasets</c> on macOS.
    /// </summary>
    public static string DefaultCacheRoot()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "modelcost", "datasets");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelcost", "datasets");
        }
        if (OperatingSystem.IsMacOS())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Caches", "ModelCost", "datasets");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ModelCost", "datasets");
    }

    /// <summary>The definition for a name or alias, or UnknownDataset listing the known names.</summary>
    public static DatasetDefinition Get(string name) =>
        Find(name) ?? throw new ModelCostException(ErrorIds.UnknownDataset, ModelCostErrorCategory.InvalidArgument,
            $"Unknown dataset '{name}'. Known datasets: {string.Join(", ", Names)} (also 'fashion-mnist', 'fashion_mnist').", name);

    /// <summary>The cache folder a download of <paramref name="name"/> writes into (what a caller asks the user about first).</summary>
    public static string DownloadFolder(string name, DatasetResolveOptions? options = null) =>
        Path.Combine(Path.GetFullPath((options ?? new DatasetResolveOptions()).CacheRoot ?? DefaultCacheRoot()), Get(name).CacheFolderName);

    /// <summary>Finds (or downloads) a dataset and reads its IDX headers for the counts.</summary>
    public static DatasetInfo Resolve(string name, string? path = null, DatasetResolveOptions? options = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= new DatasetResolveOptions();
        var def = Get(name);
        var searched = new List<string>();

        if (path is not null)
        {
            var full = UserPath.Full(path, ErrorIds.DatasetNotFound, "The dataset folder");
            if (File.Exists(full))
                throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.InvalidArgument,
                    $"The dataset path '{full}' is a file; it must be the folder that holds the {def.Name} IDX files.", full) { File = full };
            if (!Directory.Exists(full))
                throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                    $"The folder '{full}' given for {def.Name} does not exist.", full) { File = full };
            var folder = FindIn(full, def, searched);
            if (folder is null)
                throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                    $"No {def.Name} files in '{full}' (nor in a sub-folder named {string.Join("/", def.Aliases)}): expected {DatasetFolder.ExpectedNames}.", full) { File = full };
            return Describe(def, folder, "Path");
        }

        if (options.UseEnvironment && Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            var root = Path.GetFullPath(env);
            var folder = Directory.Exists(root) ? FindIn(root, def, searched) : null;
            if (folder is not null) return Describe(def, folder, "Environment");
            if (!Directory.Exists(root)) searched.Add(root + " (" + EnvironmentVariable + ", missing)");
        }

        var cacheFolder = Path.Combine(Path.GetFullPath(options.CacheRoot ?? DefaultCacheRoot()), def.CacheFolderName);
        var cached = DatasetFolder.Inspect(cacheFolder);
        searched.Add(cacheFolder);
        if (cached.IsComplete || (cached.HasTest && !options.RequireTrainingSplit)) return Describe(def, cached, "Cache");

        if (options.UseSystemFolders && def.SystemFolder is { } sys)
        {
            var folder = DatasetFolder.Inspect(sys);
            searched.Add(sys);
            if (folder.HasTest) return Describe(def, folder, "Debian");
        }

        if (!options.AllowDownload)
            throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"{def.Name} was not found (looked in {string.Join("; ", searched)}) and downloading is disabled. "
                + $"Name the folder that holds the files, or set the {EnvironmentVariable} environment variable to it.", def.Name) { Option = "Path" };

        // Only the canonical .gz names count as present in the cache: that is what a download writes.
        var missing = def.Files.Where(f => (options.RequireTrainingSplit || !f.IsTrain) && !File.Exists(Path.Combine(cacheFolder, f.FileName))).ToArray();
        DatasetDownloader.Download(def, missing, cacheFolder, options, progress, cancellationToken);
        var downloaded = DatasetFolder.Inspect(cacheFolder);
        return Describe(def, downloaded, "Download");
    }

    /// <summary>The folder itself, else a sub-folder named after the dataset. Records where it looked.</summary>
    private static DatasetFolder? FindIn(string root, DatasetDefinition def, List<string> searched)
    {
        foreach (var alias in def.Aliases.Append(def.CacheFolderName).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var sub = Path.Combine(root, alias);
            if (!Directory.Exists(sub)) continue;
            var f = DatasetFolder.Inspect(sub);
            searched.Add(sub);
            if (f.HasTest) return Check(f);
        }
        var direct = DatasetFolder.Inspect(root);
        searched.Add(root);
        return direct.HasTest ? Check(direct) : null;
    }

    private static DatasetFolder Check(DatasetFolder f)
    {
        if ((f.TrainImages is null) != (f.TrainLabels is null))
            throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"The folder '{f.Location}' holds {(f.TrainImages is null ? DatasetFolder.TrainLabelsName : DatasetFolder.TrainImagesName)} but not "
                + $"{(f.TrainImages is null ? DatasetFolder.TrainImagesName : DatasetFolder.TrainLabelsName)}[.gz]; copy both files of the training pair or neither.",
                f.Location) { File = f.Location };
        return f;
    }

    /// <summary>Reads only the IDX headers: counts, image shape, and that each pair agrees.</summary>
    internal static DatasetInfo Describe(DatasetDefinition def, DatasetFolder f, string source)
    {
        if (!f.HasTest)
            throw new ModelCostException(ErrorIds.DatasetNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"No {def.Name} test files in '{f.Location}': expected {DatasetFolder.ExpectedNames}.", f.Location) { File = f.Location };
        var (testCount, shape) = PairHeader(f.TestImages!, f.TestLabels!);
        int trainCount = 0;
        if (f.HasTrain)
        {
            (trainCount, var trainShape) = PairHeader(f.TrainImages!, f.TrainLabels!);
            if (!trainShape.AsSpan().SequenceEqual(shape))
                throw new ModelCostException(ErrorIds.IdxBadDimensions, ModelCostErrorCategory.InvalidData,
                    $"IDX file '{f.TrainImages}' holds {trainShape[0]}x{trainShape[1]} images but '{f.TestImages}' holds {shape[0]}x{shape[1]}.",
                    f.TrainImages) { File = f.TrainImages };
        }
        return new DatasetInfo
        {
            Name = def.Name,
            TrainCount = trainCount,
            TestCount = testCount,
            ImageShape = shape,
            Classes = def.Classes,
            Location = f.Location,
            Source = source,
        };
    }

    internal static (int Count, int[] Shape) PairHeader(string imagesPath, string labelsPath)
    {
        var images = IdxReader.ReadHeader(imagesPath, IdxReader.ImagesMagic);
        var labels = IdxReader.ReadHeader(labelsPath, IdxReader.LabelsMagic);
        if (images.Count != labels.Count)
            throw CountMismatch(images.Path, images.Count, labels.Path, labels.Count);
        return (images.Count, [images.Dimensions[1], images.Dimensions[2]]);
    }

    internal static ModelCostException CountMismatch(string imagesPath, long images, string labelsPath, long labels) =>
        new(ErrorIds.IdxCountMismatch, ModelCostErrorCategory.InvalidData,
            $"IDX files disagree: '{imagesPath}' holds {images.ToString(CultureInfo.InvariantCulture)} images but '{labelsPath}' holds {labels.ToString(CultureInfo.InvariantCulture)} labels.",
            imagesPath) { File = imagesPath };
}
