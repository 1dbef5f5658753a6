namespace ModelCost.Core.Models;

/// <summary>How trained weights are saved: safetensors (weights, spec in the metadata) or a whole ONNX model.</summary>
public enum TrainedModelFormat
{
    Safetensors,
    Onnx,
}
