using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;

namespace ModelCost.Core.Data;

/// <summary>
/// Downloads dataset files into the cache: each file streams into a temporary file (via
/// <see cref="AtomicFile"/>) while being hashed, and is renamed into place only when its checksum
/// matches; a failure, mismatch or cancellation leaves no file behind. Mirrors are tried in order.
/// </summary>
internal static class DatasetDownloader
{
    private const int BufferSize = 1 << 16;
    private const long ReportEvery = 1 << 18;

    public static void Download(DatasetDefinition def, IReadOnlyList<DatasetFile> files, string folder,
        DatasetResolveOptions options, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var mirrors = options.BaseUrls ?? def.Mirrors;
        if (mirrors.Count == 0)
            throw new ModelCostException(ErrorIds.DownloadFailed, ModelCostErrorCategory.InvalidArgument,
                $"Cannot download {def.Name}: no mirror URL is configured.", def.Name);
        try { Directory.CreateDirectory(folder); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelCostException(ErrorIds.WriteFailed, ModelCostErrorCategory.WriteError,
                $"Cannot create the dataset cache folder '{folder}': {ex.Message}", folder, ex) { File = folder };
        }

        RemoveStaleTemporaries(folder, files);

        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

        for (int i = 0; i < files.Count; i++)
        {
            var file = files[i];
            string expected = (options.Checksums is { } over && over.TryGetValue(file.FileName, out var c) ? c : file.Checksum).ToLowerInvariant();
            var target = Path.Combine(folder, file.FileName);
            var failures = new List<string>();
            bool mismatch = false, done = false;
            foreach (var mirror in mirrors)
            {
                var url = new Uri(mirror, file.FileName);
                try
                {
                    AtomicFile.Write(target, s => Fetch(client, url, s, expected, def.Name, file.FileName, i + 1, files.Count, options, progress, ct),
                        overwrite: true, ct);
                    done = true;
                    break;
                }
                catch (ModelCostException ex) when (ex.ErrorId is ErrorIds.DownloadFailed or ErrorIds.ChecksumMismatch)
                {
                    mismatch |= ex.ErrorId == ErrorIds.ChecksumMismatch;
                    failures.Add(ex.Message);
                }
            }
            if (!done)
            {
                string id = mismatch ? ErrorIds.ChecksumMismatch : ErrorIds.DownloadFailed;
                throw new ModelCostException(id, mismatch ? ModelCostErrorCategory.InvalidData : ModelCostErrorCategory.ResourceUnavailable,
                    $"Could not download {def.Name} file '{file.FileName}' into '{folder}' from any mirror: {string.Join(" ", failures)} "
                    + "No partial file was left behind. Copy the files into a folder and name that folder as the dataset's path, or set the MODELCOST_DATA environment variable to it.",
                    target) { File = target };
            }
        }
    }

    private static void Fetch(HttpClient client, Uri url, Stream output, string expected, string dataset, string fileName,
        int index, int count, DatasetResolveOptions options, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hashName = expected.Length == 64 ? HashAlgorithmName.SHA256 : HashAlgorithmName.MD5;
        using var hash = IncrementalHash.CreateHash(hashName);
        long received = 0;
        try
        {
            // Reported before connecting: resolving the host and waiting for headers can take up to the
            // connect timeout, and without a report a run waiting here shows no progress at all and
            // looks hung (every thread waiting, no engine thread yet).
            progress?.Report(new DownloadProgress { Dataset = dataset, FileName = fileName, Url = url.ToString(), FileIndex = index, FileCount = count, BytesReceived = 0 });
            idle.CancelAfter(options.ConnectTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw Failed(url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            long? total = response.Content.Headers.ContentLength;
            using var body = response.Content.ReadAsStreamAsync(idle.Token).GetAwaiter().GetResult();
            var buffer = new byte[BufferSize];
            long lastReport = 0;
            while (true)
            {
                idle.CancelAfter(options.IdleTimeout);
                int n;
                // Only network reads become DownloadFailed; a failing disk write stays WriteFailed (AtomicFile).
                try { n = body.ReadAsync(buffer, idle.Token).AsTask().GetAwaiter().GetResult(); }
                catch (IOException ex) { throw Failed(url, ex.Message); }
                if (n == 0) break;
                hash.AppendData(buffer, 0, n);
                output.Write(buffer, 0, n);
                received += n;
                if (progress is not null && received - lastReport >= ReportEvery)
                {
                    lastReport = received;
                    progress.Report(new DownloadProgress { Dataset = dataset, FileName = fileName, Url = url.ToString(), FileIndex = index, FileCount = count, BytesReceived = received, TotalBytes = total });
                }
            }
            if (total is long t && received != t)
                throw Failed(url, $"the connection closed after {received.ToString(CultureInfo.InvariantCulture)} of {t.ToString(CultureInfo.InvariantCulture)} bytes.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Failed(url, $"no data arrived for {options.IdleTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (timed out after {received.ToString(CultureInfo.InvariantCulture)} bytes).");
        }
        catch (HttpRequestException ex)
        {
            throw Failed(url, ex.Message);
        }

        var actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        if (actual != expected)
            throw new ModelCostException(ErrorIds.ChecksumMismatch, ModelCostErrorCategory.InvalidData,
                $"{url}: the {hashName.Name} checksum is {actual}, expected {expected}; the download was discarded.", url.ToString());
        progress?.Report(new DownloadProgress { Dataset = dataset, FileName = fileName, Url = url.ToString(), FileIndex = index, FileCount = count, BytesReceived = received, TotalBytes = received, Completed = true });
    }

    /// <summary>
    /// A process killed mid-download (no chance to clean up) leaves its AtomicFile temporary behind.
    /// Remove those older than a day; younger ones may belong to a download running right now.
    /// </summary>
    private static void RemoveStaleTemporaries(string folder, IReadOnlyList<DatasetFile> files)
    {
        foreach (var f in files)
        {
            foreach (var tmp in Directory.EnumerateFiles(folder, "." + f.FileName + ".*.tmp"))
            {
                try
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(tmp) > TimeSpan.FromDays(1)) File.Delete(tmp);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static ModelCostException Failed(Uri url, string why) =>
        new(ErrorIds.DownloadFailed, ModelCostErrorCategory.ResourceUnavailable, $"{url}: {why}", url.ToString());
}
