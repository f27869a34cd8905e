namespace BupStore.Repository;

/// <summary>
/// One line of <see cref="PackQuarantine"/>: a pack found damaged (<see cref="IsPack"/>, <see cref="Name"/>
/// is the pack's stem, "pack-HEX"), or an object a repair could not recover (<see cref="Name"/> is its
/// hex id, <see cref="Reason"/> names the pack it was lost from).
/// </summary>
/// <param name="Kind">"pack" or "lost".</param>
/// <param name="Name">Pack stem or object id.</param>
/// <param name="Time">When it was recorded.</param>
/// <param name="Reason">Why (one line).</param>
public sealed record QuarantineEntry(string Kind, string Name, DateTimeOffset Time, string Reason)
{
    /// <summary>Kind of a damaged pack's line.</summary>
    public const string PackKind = "pack";

    /// <summary>Kind of a lost object's line.</summary>
    public const string LostKind = "lost";

    /// <summary>True for a damaged pack.</summary>
    public bool IsPack => Kind == PackKind;
}
