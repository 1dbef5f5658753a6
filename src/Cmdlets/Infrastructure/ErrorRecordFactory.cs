using System.Globalization;
using System.Management.Automation;
using ModelCost.Core.Errors;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Turns the core's <see cref="ModelCostException"/> into a PowerShell <see cref="ErrorRecord"/>:
/// the stable ErrorId (so FullyQualifiedErrorId is "ErrorId,ModelCost.PS.Commands.XCommand"),
/// the category, the offending object as target, and where the problem is (file, line, layer,
/// option) and how to fix it in PowerShell's terms (<see cref="ErrorRecommendations"/>) in
/// ErrorDetails.RecommendedAction.
/// </summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord FromException(ModelCostException ex, object? fallbackTarget = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, Map(ex.Category), ex.Target ?? ex.File ?? fallbackTarget);
        var action = RecommendedAction(ex);
        if (action is not null)
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = action };
        return record;
    }

    /// <summary>An error the cmdlet raises itself (not from the core).</summary>
    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        new(new ModelCostException(errorId, ModelCostErrorCategory.InvalidArgument, message, target, inner), errorId, category, target);

    public static ErrorCategory Map(ModelCostErrorCategory category) => category switch
    {
        ModelCostErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        ModelCostErrorCategory.InvalidData => ErrorCategory.InvalidData,
        ModelCostErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        ModelCostErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ModelCostErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ModelCostErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        ModelCostErrorCategory.ParserError => ErrorCategory.ParserError,
        ModelCostErrorCategory.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ModelCostErrorCategory.OperationStopped => ErrorCategory.OperationStopped,
        ModelCostErrorCategory.WriteError => ErrorCategory.WriteError,
        ModelCostErrorCategory.ReadError => ErrorCategory.ReadError,
        ModelCostErrorCategory.SecurityError => ErrorCategory.SecurityError,
        ModelCostErrorCategory.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };

    private static string? RecommendedAction(ModelCostException ex)
    {
        var where = new List<string>();
        if (ex.File is not null)
        {
            var pos = ex.File;
            if (ex.Line is int line)
                pos += ex.Column is int col
                    ? string.Format(CultureInfo.InvariantCulture, ":{0}:{1}", line, col)
                    : string.Format(CultureInfo.InvariantCulture, ":{0}", line);
            where.Add("file " + pos);
        }
        else if (ex.Line is int l)
        {
            where.Add(ex.Column is int c
                ? string.Format(CultureInfo.InvariantCulture, "line {0}, column {1}", l, c)
                : string.Format(CultureInfo.InvariantCulture, "line {0}", l));
        }
        if (ex.LayerIndex is int idx)
            where.Add(ex.LayerName is null
                ? string.Format(CultureInfo.InvariantCulture, "layer {0}", idx)
                : string.Format(CultureInfo.InvariantCulture, "layer {0} ('{1}')", idx, ex.LayerName));
        else if (ex.LayerName is not null)
            where.Add($"layer '{ex.LayerName}'");
        if (ex.Option is not null) where.Add($"option '{ex.Option}'");

        var hint = ErrorRecommendations.For(ex);
        if (where.Count == 0 && hint is null) return null;
        var text = where.Count > 0 ? "Check " + string.Join(", ", where) + "." : "";
        return hint is null ? text : (text.Length > 0 ? text + " " + hint : hint);
    }
}
