using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>What <see cref="PackRepair"/> did: packs moved aside, objects recovered and lost, new packs.</summary>
public sealed class RepairReport
{
    private readonly List<string> _messages = [];
    private readonly HashSet<ObjectId> _lost = [];

    /// <summary>Packs checked.</summary>
    public int PacksChecked { get; internal set; }

    /// <summary>Stems of the packs found damaged and moved into <see cref="DamagedDir"/>.</summary>
    public List<string> MovedPacks { get; } = [];

    /// <summary>Where the damaged packs went (null when none was damaged).</summary>
    public string? DamagedDir { get; internal set; }

    /// <summary>Objects of damaged packs read back whole and verified against their id.</summary>
    public long Recovered { get; internal set; }

    /// <summary>Objects of damaged packs that another pack (or a loose object) already held intact.</summary>
    public long AlreadyElsewhere { get; internal set; }

    /// <summary>Stems of sound packs whose missing or damaged idx was rebuilt from the pack.</summary>
    public List<string> RebuiltIdx { get; } = [];

    /// <summary>Packs written with the recovered objects.</summary>
    public List<string> NewPacks { get; } = [];

    /// <summary>Ids that could not be recovered from any copy, sorted. The fsck checker maps them to saves and paths.</summary>
    public IReadOnlyList<ObjectId> LostIds => [.. _lost.Order()];

    /// <summary>One line per problem found and action taken.</summary>
    public IReadOnlyList<string> Messages => _messages;

    /// <summary>True when nothing was damaged.</summary>
    public bool Clean => MovedPacks.Count == 0 && RebuiltIdx.Count == 0 && _lost.Count == 0;

    internal void Lose(ObjectId id) => _lost.Add(id);

    internal void Say(string message) => _messages.Add(message);
}
