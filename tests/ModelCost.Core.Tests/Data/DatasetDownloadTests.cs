using System.Security.Cryptography;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.Core.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Data;

/// <summary>Downloads against a loopback HttpListener serving generated files; nothing reaches the internet.</summary>
public sealed class DatasetDownloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _cache = new("mc-cache");
    private readonly LoopbackServer _server = new();
    private readonly Dictionary<string, string> _md5 = new();

    public void Dispose()
    {
        _server.Dispose();
        _cache.Dispose();
    }

    /// <summary>Serves a small MNIST-shaped dataset (5 train, 3 test) and records each file's MD5 (computed here, independently).</summary>
    private void ServeDataset(LoopbackServer.Mode? modeFor4thFile = null)
    {
        var src = Path.Combine(_cache.Path, "..", "mc-src-" + Guid.NewGuid().ToString("N")[..8]);
        IdxTestFiles.WriteDataset(src, train: 5, test: 3);
        foreach (var f in DatasetDefinition.Mnist.Files)
        {
            var body = File.ReadAllBytes(Path.Combine(src, f.FileName));
            _md5[f.FileName] = Convert.ToHexString(MD5.HashData(body)).ToLowerInvariant();
            _server.Add(f.FileName, body, f.FileName.StartsWith("t10k-labels", StringComparison.Ordinal) && modeFor4thFile is { } m ? m : LoopbackServer.Mode.Serve);
        }
        Directory.Delete(src, true);
    }

    private DatasetResolveOptions Options(IReadOnlyList<Uri>? urls = null, Dictionary<string, string>? sums = null, TimeSpan? idle = null) => new()
    {
        CacheRoot = _cache.Path,
        UseEnvironment = false,
        UseSystemFolders = false,
        BaseUrls = urls ?? [_server.BaseUrl],
        Checksums = sums ?? _md5,
        IdleTimeout = idle ?? TimeSpan.FromSeconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    private string MnistCache => Path.Combine(_cache.Path, "mnist");

    private sealed class ListProgress : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];
        public void Report(DownloadProgress value) { lock (Reports) Reports.Add(value); }
    }

    [Fact]
    public void Evaluation_on_the_test_split_downloads_only_the_two_test_files_and_training_later_fetches_the_rest()
    {
        // Issue 15: evaluating on the test split fetched the 9.9 MB training images too. MNIST publishes four
        // files; the test split needs t10k-images and t10k-labels only.
        ServeDataset();
        var testOnly = new DatasetResolveOptions
        {
            CacheRoot = _cache.Path, UseEnvironment = false, UseSystemFolders = false, BaseUrls = [_server.BaseUrl],
            Checksums = _md5, RequireTrainingSplit = false,
        };
        var info = DatasetCatalog.Resolve("MNIST", options: testOnly);
        Assert.Equal(("Download", 0, 3), (info.Source, info.TrainCount, info.TestCount));
        Assert.Equal(new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }, _server.Requests.Select(r => Path.GetFileName(r)).Order().ToArray());
        Assert.False(File.Exists(Path.Combine(MnistCache, "train-images-idx3-ubyte.gz")));

        // The test-only cache satisfies a second test-split request without a request…
        int before = _server.Requests.Count;
        Assert.Equal("Cache", DatasetCatalog.Resolve("MNIST", options: testOnly).Source);
        Assert.Equal(before, _server.Requests.Count);
        // …and training (the default) downloads just the two training files it lacks.
        var full = DatasetCatalog.Resolve("MNIST", options: Options());
        Assert.Equal((5, 3), (full.TrainCount, full.TestCount));
        Assert.Equal(new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" },
            _server.Requests.Skip(before).Select(r => Path.GetFileName(r)).Order().ToArray());
    }

    [Fact]
    public void Downloads_into_the_cache_verifies_and_reuses_it()
    {
        ServeDataset();
        var progress = new ListProgress();
        var info = DatasetCatalog.Resolve("mnist", options: Options(), progress: progress);
        Assert.Equal(("MNIST", "Download", 5, 3), (info.Name, info.Source, info.TrainCount, info.TestCount));
        Assert.Equal(MnistCache, info.Location);
        foreach (var f in DatasetDefinition.Mnist.Files)
            Assert.Equal(_md5[f.FileName], Convert.ToHexString(MD5.HashData(File.ReadAllBytes(Path.Combine(MnistCache, f.FileName)))).ToLowerInvariant());
        Assert.Empty(_cache.TempFiles());
        // One Completed report per file, numbered 1..4.
        var done = progress.Reports.Where(r => r.Completed).Select(r => (r.FileIndex, r.FileCount)).ToArray();
        Assert.Equal(new[] { (1, 4), (2, 4), (3, 4), (4, 4) }, done);

        int before = _server.Requests.Count;
        var again = DatasetCatalog.Resolve("MNIST", options: Options());
        Assert.Equal("Cache", again.Source);
        Assert.Equal(before, _server.Requests.Count);

        var data = DatasetLoader.Load(again);
        Assert.Equal(5, data.TrainCount);
        Assert.Equal(3, data.TestCount);
    }

    [Fact]
    public async Task A_partial_cache_downloads_only_the_missing_files()
    {
        ServeDataset();
        // Pretend an earlier run fetched only the test pair.
        Directory.CreateDirectory(MnistCache);
        foreach (var f in DatasetDefinition.Mnist.Files.Where(f => !f.IsTrain))
        {
            using var http = new HttpClient();
            File.WriteAllBytes(Path.Combine(MnistCache, f.FileName), await http.GetByteArrayAsync(new Uri(_server.BaseUrl, f.FileName)));
        }
        while (_server.Requests.TryDequeue(out _)) { }
        var info = DatasetCatalog.Resolve("MNIST", options: Options());
        Assert.Equal("Download", info.Source);
        Assert.Equal(new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" }, _server.Requests.OrderBy(s => s, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Checksum_mismatch_fails_and_leaves_no_file()
    {
        ServeDataset();
        var sums = new Dictionary<string, string>(_md5) { ["t10k-images-idx3-ubyte.gz"] = new string('0', 32) };
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", options: Options(sums: sums)));
        output.WriteLine(ex.Message);
        Assert.Equal(ErrorIds.ChecksumMismatch, ex.ErrorId);
        Assert.Contains("t10k-images-idx3-ubyte.gz", ex.Message);
        Assert.Contains(_md5["t10k-images-idx3-ubyte.gz"], ex.Message);
        Assert.False(File.Exists(Path.Combine(MnistCache, "t10k-images-idx3-ubyte.gz")));
        Assert.Empty(_cache.TempFiles());
    }

    [Fact]
    public async Task Sha256_checksums_are_accepted()
    {
        ServeDataset();
        var sums = new Dictionary<string, string>();
        using (var http = new HttpClient())
            foreach (var f in DatasetDefinition.Mnist.Files)
                sums[f.FileName] = Convert.ToHexString(SHA256.HashData(await http.GetByteArrayAsync(new Uri(_server.BaseUrl, f.FileName))));
        var info = DatasetCatalog.Resolve("MNIST", options: Options(sums: sums));
        Assert.Equal("Download", info.Source);
    }

    [Fact]
    public void Not_found_is_download_failed_and_leaves_no_file()
    {
        ServeDataset(LoopbackServer.Mode.NotFound);
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", options: Options()));
        output.WriteLine(ex.Message);
        Assert.Equal(ErrorIds.DownloadFailed, ex.ErrorId);
        Assert.Contains("404", ex.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", ex.Message);
        Assert.False(File.Exists(Path.Combine(MnistCache, "t10k-labels-idx1-ubyte.gz")));
        Assert.Empty(_cache.TempFiles());
    }

    [Fact]
    public void Falls_back_to_the_next_mirror()
    {
        ServeDataset();
        using var empty = new LoopbackServer(); // serves nothing: every file 404s
        var info = DatasetCatalog.Resolve("MNIST", options: Options(urls: [empty.BaseUrl, _server.BaseUrl]));
        Assert.Equal("Download", info.Source);
        Assert.Equal(4, empty.Requests.Count);
    }

    [Fact]
    public void Connection_closed_early_is_download_failed()
    {
        ServeDataset(LoopbackServer.Mode.CloseHalfway);
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", options: Options()));
        output.WriteLine(ex.Message);
        Assert.Equal(ErrorIds.DownloadFailed, ex.ErrorId);
        Assert.False(File.Exists(Path.Combine(MnistCache, "t10k-labels-idx1-ubyte.gz")));
        Assert.Empty(_cache.TempFiles());
    }

    [Fact]
    public void A_stalled_server_times_out_instead_of_hanging()
    {
        ServeDataset(LoopbackServer.Mode.StallHalfway);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", options: Options(idle: TimeSpan.FromMilliseconds(500))));
        output.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s: {ex.Message}");
        Assert.Equal(ErrorIds.DownloadFailed, ex.ErrorId);
        Assert.Contains("no data arrived", ex.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Empty(_cache.TempFiles());
    }

    [Fact]
    public async Task Reports_progress_before_a_server_that_never_answers_times_out()
    {
        // A server that accepts the connection and never sends headers: the wait lasts the connect
        // timeout, and the user must see which file it is waiting for from the start.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () => { try { while (true) held.Add(await silent.AcceptTcpClientAsync()); } catch (Exception) { } });
        try
        {
            var url = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/");
            var progress = new ListProgress();
            var options = new DatasetResolveOptions
            {
                CacheRoot = _cache.Path, UseEnvironment = false, UseSystemFolders = false, BaseUrls = [url],
                Checksums = DatasetDefinition.Mnist.Files.ToDictionary(f => f.FileName, _ => new string('0', 32)),
                ConnectTimeout = TimeSpan.FromSeconds(3), IdleTimeout = TimeSpan.FromSeconds(3),
            };
            var resolve = Task.Run(() => DatasetCatalog.Resolve("MNIST", options: options, progress: progress));
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(2))
            {
                lock (progress.Reports) if (progress.Reports.Count > 0) break;
                await Task.Delay(20);
            }
            DownloadProgress first;
            lock (progress.Reports) first = Assert.Single(progress.Reports);
            Assert.False(resolve.IsCompleted, "the report came while the download was still waiting for the server");
            Assert.Equal((1, 4, 0L, false), (first.FileIndex, first.FileCount, first.BytesReceived, first.Completed));
            Assert.Equal(new Uri(url, first.FileName).ToString(), first.Url);
            var ex = await Assert.ThrowsAsync<ModelCostException>(() => resolve);
            Assert.Equal(ErrorIds.DownloadFailed, ex.ErrorId);
            Assert.Empty(_cache.TempFiles());
        }
        finally
        {
            silent.Stop();
            foreach (var c in held) c.Dispose();
            await accepting;
        }
    }

    [Fact]
    public async Task Cancellation_mid_download_leaves_nothing_behind()
    {
        ServeDataset(LoopbackServer.Mode.StallHalfway);
        using var cts = new CancellationTokenSource();
        var task = Task.Run(() => DatasetCatalog.Resolve("MNIST", options: Options(), cancellationToken: cts.Token));
        Assert.True(_server.Stalled.Wait(TimeSpan.FromSeconds(20)), "the server never reached the stalled file");
        await Task.Delay(100);
        Assert.NotEmpty(_cache.TempFiles()); // the stalled file is being written to a temporary file
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<ModelCostException>(() => task);
        Assert.Equal(ErrorIds.OperationCancelled, ex.ErrorId);
        Assert.False(File.Exists(Path.Combine(MnistCache, "t10k-labels-idx1-ubyte.gz")));
        Assert.Empty(_cache.TempFiles());
    }

    [Fact]
    public void Temporaries_left_by_a_killed_process_are_cleaned_up_after_a_day()
    {
        ServeDataset();
        Directory.CreateDirectory(MnistCache);
        var stale = Path.Combine(MnistCache, ".t10k-images-idx3-ubyte.gz.0badf00d.tmp");
        var fresh = Path.Combine(MnistCache, ".t10k-images-idx3-ubyte.gz.12345678.tmp");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.WriteAllBytes(fresh, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        DatasetCatalog.Resolve("MNIST", options: Options());
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh)); // may belong to a download running in another process
    }

    [Fact]
    public void Download_disabled_reports_where_it_looked()
    {
        var ex = Assert.Throws<ModelCostException>(() => DatasetCatalog.Resolve("MNIST", options: new DatasetResolveOptions
        {
            CacheRoot = _cache.Path, UseEnvironment = false, UseSystemFolders = false, AllowDownload = false,
        }));
        Assert.Equal(ErrorIds.DatasetNotFound, ex.ErrorId);
        Assert.Contains(MnistCache, ex.Message);
    }
}
