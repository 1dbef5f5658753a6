namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    /// <summary>The Python interpreter for the PyTorch engine cannot be started.</summary>
    public const string PythonNotFound = "PythonNotFound";

    /// <summary>The Python interpreter runs but cannot import torch.</summary>
    public const string TorchNotInstalled = "TorchNotInstalled";

    /// <summary>The rendezvous port for the ranks is already taken.</summary>
    public const string DistributedPortInUse = "DistributedPortInUse";

    /// <summary>A rank of a distributed training run exited with an error; every rank was stopped.</summary>
    public const string DistributedRankFailed = "DistributedRankFailed";

    /// <summary>The ranks of a distributed training run stopped making progress; every rank was stopped.</summary>
    public const string DistributedRankHung = "DistributedRankHung";
}
