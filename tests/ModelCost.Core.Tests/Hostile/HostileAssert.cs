using System.Runtime.CompilerServices;
using System.Text.Json;
using ModelCost.Core.Errors;
using Xunit;

namespace ModelCost.Core.Tests.Hostile;

/// <summary>
/// The checks every hostile case makes (issue 7): the call fails with a <see cref="ModelCostException"/> and
/// nothing else, with the stable error id, a message naming what the issue says it must name, and it
/// finishes: the call runs on a worker thread and must end within <see cref="Bound"/>. The bound only
/// tells a hang from an answer (these calls take milliseconds); it is not a speed claim.
/// <para>When MODELCOST_HOSTILE_LOG names a file, each observed message is appended to it as a JSON line,
/// which is how docs/hostile-input.md quotes the messages users see.</para>
/// </summary>
internal static class HostileAssert
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly object LogLock = new();

    /// <summary>Runs <paramref name="action"/> and returns the <see cref="ModelCostException"/> it must throw.</summary>
    public static ModelCostException Fails(string errorId, Action action, string[] fragments, string? label = null,
        [CallerMemberName] string caseName = "")
    {
        var error = Run(action, caseName);
        if (error is null)
            Assert.Fail($"{caseName}: expected {errorId}, but the call succeeded.");
        if (error is not ModelCostException mce)
        {
            Assert.Fail($"{caseName}: only ModelCostException may escape, but {error.GetType().FullName} did: {error.Message}\n{error.StackTrace}");
            throw new InvalidOperationException("unreachable");
        }
        Log(caseName, label, mce);
        Assert.True(errorId == mce.ErrorId, $"{caseName}: expected error id {errorId}, got {mce.ErrorId}: {mce.Message}");
        Assert.True(Enum.IsDefined(mce.Category), $"{caseName}: undefined category {mce.Category}.");
        foreach (var f in fragments)
            Assert.True(mce.Message.Contains(f, StringComparison.Ordinal),
                $"{caseName}: the message should name '{f}' but is: {mce.Message}");
        return mce;
    }

    /// <summary>Like <see cref="Fails"/> for a call that returns a value.</summary>
    public static ModelCostException Fails<T>(string errorId, Func<T> call, string[] fragments, string? label = null,
        [CallerMemberName] string caseName = "") =>
        Fails(errorId, () => { _ = call(); }, fragments, label, caseName);

    /// <summary>Runs a call that must succeed within the bound and returns its result.</summary>
    public static T Succeeds<T>(Func<T> call, [CallerMemberName] string caseName = "")
    {
        T result = default!;
        var error = Run(() => result = call(), caseName);
        if (error is not null)
            Assert.Fail($"{caseName}: expected success, but {error.GetType().Name} escaped: {error.Message}");
        return result;
    }

    private static Exception? Run(Action action, string caseName)
    {
        var task = Task.Factory.StartNew(() =>
        {
            try { action(); return null; }
            catch (Exception e) { return e; }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(task.Wait(Bound), $"{caseName}: the call did not finish within {Bound.TotalSeconds} s (a hang).");
        return task.Result;
    }

    private static void Log(string caseName, string? label, ModelCostException e)
    {
        var path = Environment.GetEnvironmentVariable("MODELCOST_HOSTILE_LOG");
        if (string.IsNullOrEmpty(path)) return;
        var line = JsonSerializer.Serialize(new { Case = label is null ? caseName : $"{caseName} [{label}]", e.ErrorId, e.Message });
        lock (LogLock) File.AppendAllText(path, line + "\n");
    }
}
