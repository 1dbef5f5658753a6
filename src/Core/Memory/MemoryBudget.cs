using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Memory;

/// <summary>
/// The check every engine makes before training, evaluating or timing: the run's own memory estimate against what
/// the process may still take (<see cref="AvailableMemory"/>). A run that cannot fit is refused with
/// <see cref="ErrorIds.InsufficientMemory"/> naming both figures and the largest batch size that fits, instead of
/// being killed by the kernel's OOM killer minutes later with no message. Callers may skip it on request (the
/// cmdlets' -Force): the estimate is an estimate.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Throws InsufficientMemory when <paramref name="estimate"/> is more than <paramref name="available"/>.</summary>
    /// <param name="model">The model's name, for the message.</param>
    /// <param name="operation">What would run ("Training", "Timing", "Evaluation").</param>
    public static void Ensure(string model, string operation, MemoryEstimate estimate, AvailableMemory available)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(available);
        if (estimate.TotalBytes <= available.Bytes) return;
        int fits = estimate.LargestBatchWithin(available.Bytes);
        string batch = fits >= estimate.BatchSize ? "" // cannot happen when the total does not fit; kept for safety
            : fits == 0
                ? " Even one sample does not fit: the weights, their training copies and the data alone need " + AvailableMemory.Mb(estimate.FixedBytes) + "."
                : string.Create(CultureInfo.InvariantCulture, $" The largest batch size that fits is {fits:N0}.");
        throw new ModelCostException(ErrorIds.InsufficientMemory, ModelCostErrorCategory.LimitsExceeded,
            string.Create(CultureInfo.InvariantCulture,
                $"{operation} '{model}' at batch size {estimate.BatchSize:N0} needs about {AvailableMemory.Mb(estimate.TotalBytes)} ({estimate.Breakdown}), but only {AvailableMemory.Mb(available.Bytes)} are available ({available.Source}).{batch} Nothing was allocated; the check can be skipped to try anyway."),
            model)
        { Option = "BatchSize" };
    }
}
