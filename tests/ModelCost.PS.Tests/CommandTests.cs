using System.Management.Automation;
using ModelCost.Core.Engine;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>The commands in a hosted pipeline: typed inputs, the path sets, a run stopped mid-training, engine selection.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelcost-ps-cmd-").FullName;
    private readonly string _data = SyntheticIdx.CreateFolder();

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_data, recursive: true);
    }

    private const string Tiny = "New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation=\"softmax\")'";

    [Fact]
    public void A_piped_FileInfo_binds_LiteralPath_so_brackets_are_not_wildcards()
    {
        // Dense(2) on 4 inputs: 4*2 + 2 = 10 parameters.
        var (output, ps) = PowerShellHost.Run(
            "param($f) $s = New-ModelSpec -Name B -InputShape 4 -Layer 'Dense(2)'; $s | Export-ModelSpec -Path (Join-Path $f 'b[1].yaml'); " +
            "Get-ChildItem -LiteralPath $f | Measure-ModelCost", _folder);
        using (ps)
        {
            Assert.Empty(ps.Streams.Error);
            Assert.Equal([10L], output.Select(o => (long)o.Properties["Params"].Value));
        }
    }

    [Fact]
    public void A_wrongly_typed_InputObject_is_refused_by_the_binder_naming_the_type()
    {
        var error = PowerShellHost.SingleError("Get-ModelSummary -InputObject 42 -ErrorAction Stop");
        Assert.StartsWith("CannotConvertArgumentNoMessage,", error.FullyQualifiedErrorId);
        Assert.Contains("ModelCost.Core.Specs.ModelSpec", error.Exception.Message);
    }

    [Fact]
    public void Evaluation_refuses_a_path_that_cannot_hold_weights_before_reading_it()
    {
        var error = PowerShellHost.SingleError("'spec.yaml' | Invoke-ModelEvaluation -Dataset MNIST -ErrorAction Stop");
        Assert.Equal("InvalidInputObject,ModelCost.PS.Commands.InvokeModelEvaluationCommand", error.FullyQualifiedErrorId);
        Assert.Contains(".safetensors", error.Exception.Message);
    }

    [Fact]
    public void Training_names_its_engine_and_an_engine_that_is_not_installed_says_so()
    {
        var (output, ps) = PowerShellHost.Run(
            "param($d) " + Tiny + " | Invoke-ModelTraining -Dataset (Get-ModelDataset -Name MNIST -Path $d) -Epochs 1 -BatchSize 16 -Engine managed -ThrottleLimit 1", _data);
        using (ps)
        {
            Assert.Empty(ps.Streams.Error);
            var run = Assert.IsType<TrainingResult>(Assert.Single(output).BaseObject);
            Assert.Equal("Managed", run.Engine);
        }
        var error = PowerShellHost.SingleError("param($d) " + Tiny + " | Measure-ModelLatency -Engine OnnxRuntime -ErrorAction Stop");
        Assert.Equal("EngineNotInstalled,ModelCost.PS.Commands.MeasureModelLatencyCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-Engine Managed", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Cmdlet_wording_is_added_as_the_recommended_action()
    {
        // The core says "give the whole model as Keras code"; the cmdlet names the parameter that takes it.
        var error = PowerShellHost.SingleError("New-ModelSpec -Name m -InputShape 4 -Layer 'Dense(4)', 'Add()([a, b])' -ErrorAction Stop");
        Assert.Equal("InvalidLayerOption,ModelCost.PS.Commands.NewModelSpecCommand", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("-KerasCode", error.Exception.Message);
        Assert.Contains("New-ModelSpec -KerasCode", error.ErrorDetails.RecommendedAction);
        var zero = PowerShellHost.SingleError("New-ModelSpec -Name m -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost -Parallelism ZeRO3 -ErrorAction Stop");
        Assert.Equal("ParallelismNeedsDevices,ModelCost.PS.Commands.MeasureModelCostCommand", zero.FullyQualifiedErrorId);
        Assert.Contains("-Devices 2", zero.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_download_asks_ShouldProcess_and_WhatIf_fetches_nothing()
    {
        // An empty cache and no MODELCOST_DATA: FashionMNIST would have to be downloaded.
        var cache = Path.Combine(_folder, "cache");
        var (output, ps) = PowerShellHost.Run(
            "param($c) $x = $env:XDG_CACHE_HOME; $m = $env:MODELCOST_DATA; try { $env:XDG_CACHE_HOME = $c; $env:MODELCOST_DATA = ''; " +
            "Get-ModelDataset -Name MNIST -WhatIf } finally { $env:XDG_CACHE_HOME = $x; $env:MODELCOST_DATA = $m }", cache);
        using (ps)
        {
            Assert.Empty(output);
            Assert.Empty(ps.Streams.Error);
            Assert.False(Directory.Exists(Path.Combine(cache, "modelcost", "datasets", "mnist")), "nothing was written");
        }
    }

    [Fact]
    public void Stopping_a_running_training_returns_the_prompt_and_the_session_keeps_working()
    {
        using var ps = PowerShellHost.Create();
        ps.AddScript("param($d) " + Tiny + " | Invoke-ModelTraining -Dataset (Get-ModelDataset -Name MNIST -Path $d) -Epochs 100000 -BatchSize 16").AddArgument(_data);
        var async = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddMinutes(2); // a hang guard, not a speed claim
        while (!ps.Streams.Progress.Any(p => p.StatusDescription.StartsWith("Epoch", StringComparison.Ordinal)) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Contains(ps.Streams.Progress, p => p.StatusDescription.StartsWith("Epoch", StringComparison.Ordinal));

        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
        Assert.Empty(ps.Streams.Error); // a stop is not an error: no TrainingResult, no OperationCancelled record

        ps.Commands.Clear();
        ps.AddScript(Tiny + " | Measure-ModelCost | ForEach-Object Params");
        // Dense(10) on 8x8 = 64 inputs: 64*10 + 10 = 650.
        Assert.Equal([650L], ps.Invoke().Select(o => (long)o.BaseObject));
    }
}
