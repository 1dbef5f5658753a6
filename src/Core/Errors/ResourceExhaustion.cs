using System.Globalization;

namespace ModelCost.Core.Errors;

/// <summary>
/// Turns the two .NET exceptions a too-large model can still raise past the up-front checks into errors
/// with ids, so a caller reports them like any other bad input and goes on with the next model:
/// <see cref="OutOfMemoryException"/> (an allocation the GC could not satisfy, e.g. under a capped heap or
/// container limit) becomes <see cref="ErrorIds.InsufficientMemory"/>, and <see cref="OverflowException"/>
/// (a size beyond a 32-bit index) becomes <see cref="ErrorIds.ModelTooLarge"/>. The memory of the failed
/// work is released before the error is returned, so the next item starts with it.
/// </summary>
public static class ResourceExhaustion
{
    /// <summary>Whether <see cref="Translate"/> turns <paramref name="ex"/> into an error (cheap: use it in exception filters).</summary>
    public static bool Handles(Exception ex) => ex is OutOfMemoryException or OverflowException;

    /// <summary>The error for <paramref name="ex"/>, or null when it is neither exhaustion exception. Call it in a catch block, not a filter: it collects garbage.</summary>
    public static ModelCostException? Translate(Exception ex, string? model = null)
    {
        string about = model is null ? "" : $"Model '{model}': ";
        switch (ex)
        {
            case OutOfMemoryException:
                // The failed work's buffers are unreachable now; give them back before anything else runs.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                var info = GC.GetGCMemoryInfo();
                return new ModelCostException(ErrorIds.InsufficientMemory, ModelCostErrorCategory.LimitsExceeded,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{about}an allocation failed: the run needs more memory than this process may use ({info.TotalAvailableMemoryBytes / 1048576.0:N0} MB available to it). Use a smaller batch size or a smaller model; the memory was released."),
                    model, ex);
            case OverflowException:
                return new ModelCostException(ErrorIds.ModelTooLarge, ModelCostErrorCategory.LimitsExceeded,
                    $"{about}a buffer size is beyond what one array can index ({ex.Message}). Use a smaller batch size or smaller layers.", model, ex);
            default:
                return null;
        }
    }
}
