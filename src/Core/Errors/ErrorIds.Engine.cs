namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A layer, activation or option the spec allows but the training engine cannot compute.</summary>
    public const string UnsupportedByEngine = "UnsupportedByEngine";

    /// <summary>The model's output shape does not fit the dataset's classes and the loss.</summary>
    public const string ModelOutputMismatch = "ModelOutputMismatch";

    /// <summary>An input buffer handed to an inference session has the wrong length.</summary>
    public const string InferenceInputMismatch = "InferenceInputMismatch";

    /// <summary>An -Engine name no catalogue knows.</summary>
    public const string UnknownEngine = "UnknownEngine";

    /// <summary>A known engine whose assembly is not installed; the message says how to install it.</summary>
    public const string EngineNotInstalled = "EngineNotInstalled";

    /// <summary>An installed engine assembly that cannot be loaded or holds no usable engine.</summary>
    public const string EngineLoadFailed = "EngineLoadFailed";

    /// <summary>An engine-specific option the engine does not know, or a value of the wrong kind.</summary>
    public const string InvalidEngineOption = "InvalidEngineOption";
}
