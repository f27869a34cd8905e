namespace BupStore.Repository;

/// <summary>What kind of damage a <see cref="FsckProblem"/> describes (for callers that act on it, such as repair).</summary>
public enum FsckProblemKind
{
    /// <summary>A pack or idx file is damaged (checksum, count, header), or one lacks the other.</summary>
    PackFile,

    /// <summary>One packed or loose object does not match its CRC-32 or id, or cannot be read.</summary>
    DamagedObject,

    /// <summary>An object that a ref, commit or tree names is in no pack and not loose.</summary>
    MissingObject,

    /// <summary>An object has another type than the entry or ref naming it says.</summary>
    WrongType,

    /// <summary>A commit is not well formed (git fsck --strict's rules).</summary>
    BadCommit,

    /// <summary>A tree is not well formed: order, names, modes (git fsck --strict's rules).</summary>
    BadTree,

    /// <summary>An annotated tag is not well formed.</summary>
    BadTag,

    /// <summary>A chunk tree of a file is inconsistent: names, offsets, entry types or sizes.</summary>
    BadChunkTree,

    /// <summary>A directory's .bupm cannot be decoded or does not pair with its entries.</summary>
    BadMetadata,

    /// <summary>A ref file, packed-refs line or HEAD is unusable, or a branch names no commit.</summary>
    BadRef,

    /// <summary>A midx file is damaged or disagrees with the idx files it covers.</summary>
    BadMidx,

    /// <summary>The bloom filter is damaged or misses an object of an idx it covers.</summary>
    BadBloom,
}
