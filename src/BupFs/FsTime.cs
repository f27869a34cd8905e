namespace BupFs;

/// <summary>A point in time as seconds since the epoch (may be negative) plus 0..999,999,999 ns.</summary>
/// <param name="Seconds">Whole seconds since 1970-01-01T00:00:00Z (floor for times before it).</param>
/// <param name="Nanoseconds">Nanoseconds within the second, always non-negative.</param>
public readonly record struct FsTime(long Seconds, uint Nanoseconds)
{
    /// <summary>The epoch itself, used where a time is unknown (as bup shows it).</summary>
    public static FsTime Epoch => default;
}
