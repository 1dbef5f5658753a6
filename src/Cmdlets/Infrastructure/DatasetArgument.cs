using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.PS.Inputs;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What a -Dataset parameter (and Get-ModelDataset's -Name) accepts: a DatasetInfo from Get-ModelDataset,
/// or a dataset name resolved the way Get-ModelDataset resolves it (-Path, environment, cache, Debian's
/// folder, then a download). The local search runs at once on the pipeline thread (it reads only IDX
/// headers); a download is a write, so it is confirmed there with ShouldProcess before the worker fetches
/// it, with progress posted back to the cmdlet.
/// </summary>
internal sealed class DatasetArgument
{
    private readonly Func<PipelinePump, CancellationToken, DatasetInfo> _resolve;

    private DatasetArgument(string name, Func<PipelinePump, CancellationToken, DatasetInfo> resolve)
    {
        Name = name;
        _resolve = resolve;
    }

    /// <summary>The dataset's name for progress and messages.</summary>
    public string Name { get; }

    /// <summary>The dataset, downloading it first when that was confirmed. Runs on the pump's worker thread.</summary>
    public DatasetInfo Resolve(PipelinePump pump, CancellationToken cancellationToken) => _resolve(pump, cancellationToken);

    /// <summary>
    /// Finds the dataset locally or plans its download. Returns null when a needed download was declined
    /// (-WhatIf, or No at -Confirm); throws the core's error for a bad name, folder or file.
    /// </summary>
    public static DatasetArgument? Prepare(PSCmdlet cmdlet, object dataset, string? folder = null, bool allowDownload = true, bool requireTrainingSplit = true)
    {
        // A DatasetInfo copied by a job ($using:), Import-Clixml or ConvertFrom-Json: read the dataset again from the folder
        // it names (its counts are not trusted; the files may have changed since).
        if (DeserializedObjects.DatasetLocation(dataset) is var (copiedName, copiedFolder))
        {
            var again = DatasetCatalog.Resolve(copiedName, folder ?? copiedFolder,
                new DatasetResolveOptions { AllowDownload = false, RequireTrainingSplit = requireTrainingSplit });
            return new DatasetArgument(again.Name, (_, _) => again);
        }
        switch (PSObjectUnwrapper.BaseObject(dataset))
        {
            case DatasetInfo info:
                return new DatasetArgument(info.Name, (_, _) => info);
            case string name:
                try
                {
                    var local = DatasetCatalog.Resolve(name, folder, new DatasetResolveOptions { AllowDownload = false, RequireTrainingSplit = requireTrainingSplit });
                    return new DatasetArgument(local.Name, (_, _) => local);
                }
                catch (ModelCostException ex) when (ex.ErrorId == ErrorIds.DatasetNotFound && folder is null && allowDownload)
                {
                    // Not on this machine: fetching it writes into the cache, so ask first.
                }
                var def = DatasetCatalog.Get(name);
                var target = DatasetCatalog.DownloadFolder(name);
                var what = requireTrainingSplit ? def.Name : $"{def.Name} test files";
                if (!cmdlet.ShouldProcess($"{what} from {def.Mirrors[0]} into '{target}'", "Download dataset")) return null;
                cmdlet.WriteVerbose($"{def.Name} is not on this machine; downloading {(requireTrainingSplit ? "it" : "its two test files")} into '{target}' (checksums verified).");
                return new DatasetArgument(def.Name, (pump, ct) =>
                    DatasetCatalog.Resolve(name, null, new DatasetResolveOptions { AllowDownload = true, RequireTrainingSplit = requireTrainingSplit }, DownloadProgressReporter(pump), ct));
            case var other:
                throw new ModelCostException(CmdletErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                    $"-Dataset takes a dataset name ({string.Join(", ", DatasetCatalog.Names)}) or an object from Get-ModelDataset, not a {other?.GetType().Name ?? "null"}.", other);
        }
    }

    /// <summary>Turns the core's download reports into progress records.</summary>
    private static IProgress<DownloadProgress> DownloadProgressReporter(PipelinePump pump) =>
        new SynchronousProgress<DownloadProgress>(p =>
        {
            var record = new ProgressRecord(ProgressActivity.Download, $"Downloading {p.Dataset}",
                string.Format(CultureInfo.InvariantCulture, "{0} ({1}/{2}): {3:N0}{4} bytes", p.FileName, p.FileIndex, p.FileCount,
                    p.BytesReceived, p.TotalBytes is long t ? string.Format(CultureInfo.InvariantCulture, " of {0:N0}", t) : ""))
            {
                CurrentOperation = p.Url,
                PercentComplete = p.PercentComplete ?? -1,
                RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            pump.PostProgress(record, important: p.Completed);
            if (p.Completed) pump.PostVerbose($"Downloaded and verified {p.FileName} from {p.Url}.");
        });
}
