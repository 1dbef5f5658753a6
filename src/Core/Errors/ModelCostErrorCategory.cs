namespace ModelCost.Core.Errors;

/// <summary>
/// What kind of failure an error is. The cmdlets map each value onto PowerShell's ErrorCategory,
/// so the core stays free of any PowerShell reference.
/// </summary>
public enum ModelCostErrorCategory
{
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    ResourceUnavailable,
    ResourceExists,
    ParserError,
    LimitsExceeded,
    OperationStopped,
    WriteError,
    ReadError,
    SecurityError,
    NotImplemented,
}
