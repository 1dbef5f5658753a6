using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Memory;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.IO;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Memory;

/// <summary>Issue 15 item 2: the memory a run needs against what the process may take, refused up front.</summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-mem");

    public void Dispose() => _tmp.Dispose();

    private string Write(string relative, string text)
    {
        var p = _tmp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void The_cgroup_v2_limit_minus_usage_is_taken_when_it_is_the_smallest()
    {
        Write("proc/meminfo", "MemTotal:       24684096 kB\nMemAvailable:   14593076 kB\n");
        Write("proc/self/cgroup", "0::/job\n");
        Write("cg/job/memory.max", "1073741824\n");       // 1 GiB
        Write("cg/job/memory.current", "268435456\n");    // 256 MiB in use
        var a = AvailableMemory.Read(_tmp.File("proc"), _tmp.File("cg"));
        Assert.Equal(768L << 20, a.Bytes);
        Assert.Contains("cgroup limit 1,024 MB minus 256 MB", a.Source);
    }

    [Fact]
    public void A_cgroup_v1_memory_controller_counts_and_an_unlimited_one_does_not()
    {
        Write("proc/meminfo", "MemAvailable:   2097152 kB\n");   // 2 GiB
        Write("proc/self/cgroup", "4:memory:/box\n9:name=systemd:/\n");
        Write("cg/memory/box/memory.limit_in_bytes", "9223372036854771712\n");
        Write("cg/memory/box/memory.usage_in_bytes", "1000\n");
        var a = AvailableMemory.Read(_tmp.File("proc"), _tmp.File("cg"));
        // Unlimited cgroup: MemAvailable (2,097,152 kB × 1024) or the .NET heap, whichever is smaller.
        Assert.True(a.Bytes <= 2097152L * 1024);

        Write("cg/memory/box/memory.limit_in_bytes", "536870912\n"); // 512 MiB
        Write("cg/memory/box/memory.usage_in_bytes", "134217728\n"); // 128 MiB
        var b = AvailableMemory.Read(_tmp.File("proc"), _tmp.File("cg"));
        Assert.Equal(384L << 20, b.Bytes);
    }

    [Fact]
    public void The_refusal_names_the_estimate_what_is_available_and_the_largest_batch_that_fits()
    {
        // Fixed 100 MiB, 1 MiB per sample, batch 1000: 1,100 MiB needed; 612 MiB available → (612 − 100) / 1 = 512 samples.
        var e = new MemoryEstimate(100L << 20, 1L << 20, 1000, "weights …");
        var ex = Assert.Throws<ModelCostException>(() => MemoryBudget.Ensure("Big", "Training", e, new AvailableMemory(612L << 20, "MemAvailable")));
        Assert.Equal(ErrorIds.InsufficientMemory, ex.ErrorId);
        Assert.Contains("needs about 1,100 MB", ex.Message);
        Assert.Contains("only 612 MB are available (MemAvailable)", ex.Message);
        Assert.Contains("largest batch size that fits is 512", ex.Message);
        Assert.Equal("BatchSize", ex.Option);
        MemoryBudget.Ensure("Big", "Training", e, new AvailableMemory(1100L << 20, "x")); // exactly enough: no error
    }

    [Fact]
    public void When_not_even_one_sample_fits_the_message_says_so()
    {
        var e = new MemoryEstimate(2L << 30, 1024, 8, "weights …");
        var ex = Assert.Throws<ModelCostException>(() => MemoryBudget.Ensure("Huge", "Timing", e, new AvailableMemory(1L << 30, "x")));
        Assert.Contains("Even one sample does not fit", ex.Message);
    }

    /// <summary>
    /// The estimate counts the planned buffers. Input 784 → Dense(100) → Dense(10, softmax): weights 79,510 floats, × 5
    /// while training (weights, previous weights, gradients, Adam's m and v; the result's copy is made after the
    /// buffers are let go) = 79,510 × 4 × 5 = 1,590,200 bytes, data 1,000. Per sample: the input 784, Dense(100)'s output (live to the last
    /// layer's backward, which reads it) 100, its gradient 100 (written at that backward: apart), and the last layer's
    /// output, logits and gradient 3 × 10 = 1,014 floats = 4,056 bytes; batch 32 → 129,792 bytes. Inference: the
    /// weights once (318,040 bytes), per sample 784 + 100 + 10 + 10 (logits) = 904 floats.
    /// </summary>
    [Fact]
    public void The_managed_estimate_of_a_dense_model_is_worked_by_hand()
    {
        var m = ShapeInference.Resolve(Spec([784], L("Dense", units: 100), L("Dense", units: 10, activation: "softmax")));
        var e = ManagedMemoryEstimate.For(m, 32, training: true, threads: 2, dataBytes: 1000);
        Assert.Equal(1_590_200 + 1000, e.FixedBytes);
        Assert.Equal(4056, e.PerSampleBytes);
        Assert.Equal(1_591_200 + 129_792, e.TotalBytes);
        var i = ManagedMemoryEstimate.For(m, 32, training: false, threads: 2, dataBytes: 0);
        Assert.Equal(318_040, i.FixedBytes);
        Assert.Equal(904 * 4, i.PerSampleBytes);
    }
}
