using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ModelCost.Core.Tests.Data;

/// <summary>
/// An HttpListener on 127.0.0.1 at a free port serving in-memory files, so download tests never
/// reach the internet. Behaviours per file: serve, 404, stall after half the body, or close early.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    public enum Mode { Serve, NotFound, StallHalfway, CloseHalfway }

    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (byte[] Body, Mode Mode)> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackServer()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUrl.ToString());
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        _loop = Task.Run(Loop);
    }

    public Uri BaseUrl { get; }

    /// <summary>Request paths in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Set when a stalled response has started, so a test can cancel mid-download.</summary>
    public ManualResetEventSlim Stalled { get; } = new(false);

    public void Add(string name, byte[] body, Mode mode = Mode.Serve) => _files[name] = (body, mode);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
            catch (HttpListenerException) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        var name = ctx.Request.Url!.AbsolutePath.TrimStart('/');
        Requests.Enqueue(name);
        var res = ctx.Response;
        try
        {
            if (!_files.TryGetValue(name, out var f) || f.Mode == Mode.NotFound)
            {
                res.StatusCode = 404;
                res.Close();
                return;
            }
            res.ContentLength64 = f.Body.Length;
            res.SendChunked = false;
            if (f.Mode == Mode.Serve)
            {
                await res.OutputStream.WriteAsync(f.Body).ConfigureAwait(false);
                res.Close();
                return;
            }
            int half = f.Body.Length / 2;
            await res.OutputStream.WriteAsync(f.Body.AsMemory(0, half)).ConfigureAwait(false);
            await res.OutputStream.FlushAsync().ConfigureAwait(false);
            if (f.Mode == Mode.CloseHalfway)
            {
                res.Abort();
                return;
            }
            Stalled.Set();
            try { await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            res.Abort();
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
        catch (HttpListenerException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
        Stalled.Dispose();
    }
}
