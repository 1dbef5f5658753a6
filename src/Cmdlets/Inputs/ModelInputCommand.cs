using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Inputs;

/// <summary>
/// What every command that takes a model shares: three parameter sets — a typed -InputObject (a spec, or
/// trained weights), -Path (wildcards; piped strings, including spec text, bind here) and -LiteralPath
/// (the PSPath of a piped FileInfo binds here) — and one way to turn each into a model through
/// <see cref="ModelInputReader"/>. A bad file or text is an error for that item; the next one is still read.
/// </summary>
/// <remarks>
/// Each command declares the three parameters itself (their positions and help differ) and hands them
/// back through <see cref="InputModel"/>, <see cref="InputPaths"/> and <see cref="InputLiteralPaths"/>.
/// The default set is the typed one, so a piped object that is neither a model nor a string is refused by
/// PowerShell's binder naming the types -InputObject takes.
/// </remarks>
public abstract class ModelInputCommand : ModelCostCmdlet
{
    internal const string InputObjectSet = "InputObject";
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";

    /// <summary>-InputObject as bound (null in the path sets).</summary>
    private protected abstract IModelSource? InputModel { get; }

    private protected abstract string[] InputPaths { get; }

    private protected abstract string[] InputLiteralPaths { get; }

    /// <summary>True for commands that need trained weights: a path that cannot hold them is refused before it is read.</summary>
    private protected virtual bool NeedsTrainedWeights => false;

    /// <summary>Runs the command for one model; <paramref name="target"/> is what the user gave (for error records).</summary>
    private protected abstract void ProcessModel(IModelSource model, object target);

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                foreach (var path in InputPaths) ProcessPath(path, literal: false);
                break;
            case LiteralPathSet:
                foreach (var path in InputLiteralPaths) ProcessPath(path, literal: true);
                break;
            default:
                if (InputModel is { } model) TryCore(() => ProcessModel(model, model), model);
                break;
        }
    }

    private bool _lineSlipReported;
    private int _slipLines;

    private void ProcessPath(string path, bool literal)
    {
        ThrowIfStopping();
        if (!literal && ModelInputReader.LooksLikeOneLineOfSpec(path) && !File.Exists(path))
        {
            // Get-Content spec.yaml | … sends the file one line at a time: say so once, not once per line.
            _slipLines++;
            if (_lineSlipReported) return;
            _lineSlipReported = true;
            var shown = path.Length > 60 ? path[..60] + "…" : path;
            WriteError(ErrorRecordFactory.Create(CmdletErrorIds.SpecTextByLine, ErrorCategory.InvalidArgument,
                $"'{shown.Trim()}' looks like one line of a spec file: Get-Content sends a file line by line, and a line is neither a path nor a whole spec. "
                + $"Pass the whole text with Get-Content -Raw (Get-Content -Raw spec.yaml | {MyInvocation.MyCommand.Name}) or the path ({MyInvocation.MyCommand.Name} -Path spec.yaml). "
                + "The following lines of this input are skipped without further errors.", path));
            return;
        }
        if (!literal && ModelInputReader.LooksLikeSpecText(path))
        {
            TryCore(() => ProcessModel(Require(ModelInputReader.ReadText(path), "spec text"), path), path);
            return;
        }
        if (!literal && WildcardPattern.ContainsWildcardCharacters(path))
        {
            foreach (var file in PathResolver.ResolveExistingFiles(this, [path], literal: false))
                ProcessFile(file, file);
            return;
        }
        // One file named outright: a missing one is reported by its reader (SpecFileNotFound, DataFileNotFound).
        string? full = null;
        if (TryCore(() => full = PathResolver.ResolveInputPath(this, path), path) && full is not null)
            ProcessFile(full, path);
    }

    private void ProcessFile(string file, string target)
    {
        ThrowIfStopping();
        TryCore(() =>
        {
            if (NeedsTrainedWeights && !ModelInputReader.IsTrainedModelFile(file))
                throw NoWeights($"'{target}' is not a {ModelInputReader.TrainedModelExtension} file");
            WriteVerbose($"Reading '{file}'.");
            ProcessModel(ModelInputReader.ReadFile(file, CancellationToken), target);
        }, target);
    }

    private IModelSource Require(IModelSource model, string what) =>
        NeedsTrainedWeights && model.GetTrainedModel() is null ? throw NoWeights($"{what} holds a spec without trained weights") : model;

    private ModelCostException NoWeights(string why) =>
        new(CmdletErrorIds.InvalidInputObject, ModelCostErrorCategory.InvalidArgument,
            $"{MyInvocation.MyCommand.Name} needs trained weights: a TrainingResult (Invoke-ModelTraining), a TrainedModel (Import-TrainedModel) "
            + $"or a {ModelInputReader.TrainedModelExtension} file written by Export-TrainedModel; {why}.");
}
