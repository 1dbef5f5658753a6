namespace ModelCost.Engines.Torch.Layers;

/// <summary>What a forward pass needs besides its inputs: training or inference, and the seed and step that key dropout masks.</summary>
internal readonly record struct TorchStep(bool Training, int Seed, long Step);
