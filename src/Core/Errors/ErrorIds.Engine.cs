namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A layer, activation or option the spec allows but the training engine cannot compute.</summary>
    public const string UnsupportedByEngine = "UnsupportedByEngine";

    /// <summary>The model's output shape does not fit the dataset's classes and the loss.</summary>
    public const string ModelOutputMismatch = "ModelOutputMismatch";

    /// <summary>An input buffer handed to an inference session has the wrong length.</summary>
    public const string InferenceInputMismatch = "InferenceInputMismatch";
}
