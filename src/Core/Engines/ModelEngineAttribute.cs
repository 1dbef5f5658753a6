namespace ModelCost.Core.Engines;

/// <summary>
/// Marks the engine class of an engine assembly (<c>Engines/&lt;Name&gt;/ModelCost.Engines.&lt;Name&gt;.dll</c>):
/// <c>[assembly: ModelEngine(typeof(TorchEngine))]</c>. The type implements <see cref="IModelEngine"/>
/// and has a public parameterless constructor; the catalogue creates one instance on first use.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ModelEngineAttribute : Attribute
{
    public ModelEngineAttribute(Type engineType) => EngineType = engineType;

    public Type EngineType { get; }
}
