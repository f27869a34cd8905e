// The (seconds, nanoseconds) timestamps of bup's common metadata record (docs/formats/bupm.md,
// "The common record (tag 10)"; xstat.py nsecs_to_timespec).
namespace BupStore.Formats;

/// <summary>
/// A POSIX timespec as bup stores it: <see cref="Seconds"/> may be negative, <see cref="Nanoseconds"/>
/// is always in [0, 10^9), so one nanosecond before the epoch is (−1, 999 999 999).
/// </summary>
/// <param name="Seconds">Whole seconds since 1970-01-01 UTC, rounded toward negative infinity.</param>
/// <param name="Nanoseconds">Nanoseconds past <paramref name="Seconds"/>, 0 ≤ value &lt; 10^9.</param>
public readonly record struct BupTimespec(long Seconds, uint Nanoseconds) : IComparable<BupTimespec>
{
    /// <summary>Nanoseconds per second.</summary>
    public const uint NanosecondsPerSecond = 1_000_000_000;

    /// <summary>The epoch, (0, 0): what bup shows for unknown times.</summary>
    public static BupTimespec Epoch => default;

    /// <summary>True when <see cref="Nanoseconds"/> is in range.</summary>
    public bool IsValid => Nanoseconds < NanosecondsPerSecond;

    /// <summary>Splits a count of nanoseconds since the epoch with floor semantics.</summary>
    public static BupTimespec FromUnixNanoseconds(long nanoseconds)
    {
        var seconds = Math.DivRem(nanoseconds, NanosecondsPerSecond, out var rest);
        return rest < 0
            ? new BupTimespec(seconds - 1, (uint)(rest + NanosecondsPerSecond))
            : new BupTimespec(seconds, (uint)rest);
    }

    /// <summary>Nanoseconds since the epoch (wide enough for every encodable timespec).</summary>
    public Int128 ToUnixNanoseconds() => ((Int128)Seconds * NanosecondsPerSecond) + Nanoseconds;

    /// <inheritdoc/>
    public int CompareTo(BupTimespec other) =>
        Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);

    /// <summary>"seconds.nnnnnnnnn" for messages and test output.</summary>
    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}
