using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What a -Dataset parameter accepts: a DatasetInfo from Get-ModelDataset, or a dataset name resolved
/// the way Get-ModelDataset resolves it (environment, cache, Debian's folder, then a download with
/// progress). Runs on the pump's worker thread; download progress is posted back to the cmdlet.
/// </summary>
internal static class DatasetArgument
{
    public static DatasetInfo Resolve(object dataset, PipelinePump pump, CancellationToken cancellationToken)
    {
        var value = dataset is PSObject pso ? pso.BaseObject : dataset;
        return value switch
        {
            DatasetInfo info => info,
            string name => DatasetCatalog.Resolve(name, null, null, DownloadProgressReporter(pump, 2), cancellationToken),
            _ => throw new ModelCostException(ErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
                $"-Dataset takes a dataset name ({string.Join(", ", DatasetCatalog.Names)}) or an object from Get-ModelDataset, not a {value?.GetType().Name ?? "null"}.", value),
        };
    }

    /// <summary>The dataset's name for progress and messages, before it is resolved.</summary>
    public static string DisplayName(object dataset) =>
        (dataset is PSObject pso ? pso.BaseObject : dataset) switch
        {
            DatasetInfo info => info.Name,
            string name => name,
            var other => other?.ToString() ?? "dataset",
        };

    /// <summary>Turns the core's download reports into progress records (one activity per download).</summary>
    public static IProgress<DownloadProgress> DownloadProgressReporter(PipelinePump pump, int activityId) =>
        new SynchronousProgress<DownloadProgress>(p =>
        {
            var record = new ProgressRecord(activityId, $"Downloading {p.Dataset}",
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
