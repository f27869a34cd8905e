namespace BupFs;

/// <summary>A new value for a timestamp: the current time, or <paramref name="Value"/>.</summary>
/// <param name="Now">True to take the filesystem's current time (UTIME_NOW).</param>
/// <param name="Value">The time to set when <paramref name="Now"/> is false.</param>
public readonly record struct TimeChange(bool Now, FsTime Value);
