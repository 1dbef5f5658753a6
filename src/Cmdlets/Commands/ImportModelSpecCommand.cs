using System.Management.Automation;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Reads model specs from YAML files or Keras model configs (model.to_json()), told apart by content.</para>
/// <example><code>Import-ModelSpec ./examples/specs/*.yaml | Measure-ModelCost</code></example>
/// </summary>
/// <remarks>One spec per file. A file that cannot be read or parsed writes an error naming the file,
/// line and column, and the next file is still imported.</remarks>
[Cmdlet(VerbsData.Import, "ModelSpec", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(ModelSpec))]
public sealed class ImportModelSpecCommand : ImportFileCommand
{
    private protected override string ItemDescription => "model spec";

    private protected override object Load(string file) => ModelSpecReader.Load(file);
}
