using System.Management.Automation;
using ModelCost.Core.Engine;
using ModelCost.Core.Models;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Reads a model saved by Export-TrainedModel: its spec and weights, ready for Invoke-ModelEvaluation or Measure-ModelLatency.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_mlp.yaml | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 | Export-TrainedModel -Path ./mlp.safetensors
/// Import-TrainedModel ./mlp.safetensors | Invoke-ModelEvaluation -Dataset FashionMNIST</code><para>Trains and saves the seed 000 MLP as safetensors, then loads the file back (weights and spec) and evaluates it on Fashion-MNIST.</para></example>
/// </summary>
/// <remarks>Every number in the file's header is checked against the file before it is trusted, and
/// the tensors are checked against the spec in the metadata; a bad file writes an error naming it.</remarks>
[Cmdlet(VerbsData.Import, "TrainedModel", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(TrainedModel))]
public sealed class ImportTrainedModelCommand : ImportFileCommand
{
    private protected override string ItemDescription => "trained model";

    private protected override object Load(string file) => TrainedModelFile.Load(file, CancellationToken);
}
