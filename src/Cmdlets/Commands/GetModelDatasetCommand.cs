using System.Management.Automation;
using ModelCost.Core.Data;
using ModelCost.Core.Errors;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Finds a dataset (FashionMNIST or MNIST) and describes it: Name, TrainCount, TestCount, ImageShape, Classes, Location.</para>
/// <example><code>Get-ModelDataset -Name FashionMNIST</code><para>Finds Fashion-MNIST in -Path, $env:MODELCOST_DATA, the user cache or Debian's package and describes it (sizes, classes, where it is).</para></example>
/// <example><code>Get-ModelDataset -Name FashionMNIST -Path /usr/share/datasets/fashion-mnist</code><para>Uses the Fashion-MNIST files in the given folder, here where Debian's dataset-fashion-mnist package installs them.</para></example>
/// </summary>
/// <remarks>
/// Resolution order: -Path, $env:MODELCOST_DATA, the user cache, Debian's dataset-fashion-mnist
/// folder, then a checksum-verified download into the cache (with progress) unless -NoDownload.
/// A download writes into the user cache: it asks ShouldProcess first (-WhatIf says what it would fetch
/// and where, and fetches nothing; -Confirm asks), and -Verbose says when it happens. The returned
/// object's Source is Download then. Only the IDX headers are read here; the pixels are loaded when a
/// model is trained or evaluated.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "ModelDataset", SupportsShouldProcess = true)]
[OutputType(typeof(DatasetInfo))]
public sealed class GetModelDatasetCommand : ModelCostCmdlet
{
    /// <summary>FashionMNIST or MNIST (aliases such as fashion-mnist are accepted).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>A folder holding the IDX files (or a sub-folder named after the dataset). An explicit path never falls back elsewhere.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Fail instead of downloading when the dataset is not found locally.</summary>
    [Parameter]
    public SwitchParameter NoDownload { get; set; }

    protected override void ProcessRecord()
    {
        string? folder = null;
        // A bad drive or a non-file-system -Path is an error for this input, not a crash of the command.
        if (Path is not null && !TryCore(() => folder = PathResolver.ResolveInputPath(this, Path), Path)) return;
        foreach (var name in Name)
        {
            ThrowIfStopping();
            TryCore(() =>
            {
                if (DatasetArgument.Prepare(this, name, folder, allowDownload: !NoDownload.IsPresent) is not { } dataset) return;
                var info = RunWithProgress(ProgressActivity.Download, $"Downloading {dataset.Name}", dataset.Resolve);
                WriteVerbose($"{info.Name}: {info.TrainCount} train and {info.TestCount} test samples in '{info.Location}' (found via {info.Source}).");
                WriteObject(info);
            }, name);
        }
    }
}
