namespace BupStore.Repository.Fsck;

/// <summary>Whether an object the walk needs is there and sound.</summary>
internal enum ObjectState
{
    /// <summary>In no usable idx and not loose.</summary>
    Missing,

    /// <summary>Listed, but its check failed (already reported by the pack pass).</summary>
    Damaged,

    /// <summary>Listed and verified.</summary>
    Present,
}
