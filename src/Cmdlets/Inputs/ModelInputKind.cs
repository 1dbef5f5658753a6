namespace ModelCost.PS.Inputs;

/// <summary>What a model parameter takes, for <see cref="ModelInputTransformationAttribute"/>.</summary>
internal enum ModelInputKind { Spec, AnyModel, TrainedModel }
