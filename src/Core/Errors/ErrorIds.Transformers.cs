namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>A layer other than Embedding reads the model's integer token ids (inputDtype int32).</summary>
    public const string IncompatibleInputType = "IncompatibleInputType";

    /// <summary>A sequence is longer than a PositionEmbedding's sequence_length allows.</summary>
    public const string SequenceTooLong = "SequenceTooLong";

    /// <summary>A weight tensor (e.g. a vocabulary × width embedding table) is larger than the engine can hold in memory.</summary>
    public const string ModelTooLarge = "ModelTooLarge";

    /// <summary>A token id fed to an Embedding is negative or not below its input_dim.</summary>
    public const string TokenIdOutOfRange = "TokenIdOutOfRange";
}
