using System.Globalization;
using System.Text;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// bupfs's record of damage, REPO/bupfs-quarantine (docs/DESIGN.md, "Repair and quarantine"): packs a
/// read or fsck found damaged, whose objects writers treat as absent (so a save writes them again)
/// and readers take from another pack when one has them, and objects a repair could not recover.
/// A text file of tab-separated lines "KIND NAME UNIXTIME REASON" under a comment header, replaced
/// atomically (temp file, fsync, rename). It is our own bookkeeping, so read-only commands may write
/// it; failing to (a read-only repository) only costs a warning.
/// </summary>
public sealed class PackQuarantine
{
    /// <summary>The file's name in the git directory.</summary>
    public const string FileName = "bupfs-quarantine";

    private const string Header = "# bupfs-quarantine v1: KIND<TAB>NAME<TAB>UNIXTIME<TAB>REASON; pack = damaged pack stem, lost = object id a repair could not recover\n";

    // Read-modify-write must not interleave between threads of one process; between processes a
    // lost update only drops a line that the next damaged read records again.
    private static readonly object WriteLock = new();

    private readonly HashSet<string> _packs;

    /// <summary>A quarantine holding <paramref name="entries"/>.</summary>
    public PackQuarantine(IReadOnlyList<QuarantineEntry> entries)
    {
        Entries = entries;
        _packs = new HashSet<string>(entries.Where(e => e.IsPack).Select(e => e.Name), StringComparer.Ordinal);
    }

    /// <summary>The empty quarantine.</summary>
    public static PackQuarantine Empty { get; } = new([]);

    /// <summary>Every line, in file order.</summary>
    public IReadOnlyList<QuarantineEntry> Entries { get; }

    /// <summary>True when nothing is recorded.</summary>
    public bool IsEmpty => Entries.Count == 0;

    /// <summary>Stems ("pack-HEX") of the quarantined packs.</summary>
    public IReadOnlyCollection<string> Packs => _packs;

    /// <summary>Ids a repair recorded as lost.</summary>
    public IEnumerable<ObjectId> LostIds =>
        Entries.Where(e => e.Kind == QuarantineEntry.LostKind).Select(e => ObjectId.TryParse(e.Name, out var id) ? id : ObjectId.Zero).Where(id => !id.IsZero);

    /// <summary>True when the pack at <paramref name="packPath"/> (.pack or .idx) is quarantined.</summary>
    public bool Contains(string packPath) => _packs.Contains(Stem(packPath));

    /// <summary>"pack-HEX" of a pack, idx or par2 path.</summary>
    public static string Stem(string packPath) => Path.GetFileNameWithoutExtension(packPath);

    /// <summary>The quarantine file of the git directory <paramref name="gitDir"/>.</summary>
    public static string PathOf(string gitDir) => Path.Combine(gitDir, FileName);

    /// <summary>Reads the quarantine; empty when the file is absent or unreadable. Malformed lines are skipped.</summary>
    public static PackQuarantine Load(string gitDir)
    {
        string text;
        try
        {
            text = File.ReadAllText(PathOf(gitDir), Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }

        return new PackQuarantine([.. text.Split('\n').Select(Parse).OfType<QuarantineEntry>()]);
    }

    private static QuarantineEntry? Parse(string line)
    {
        var f = line.Split('\t', 4);
        if (line.StartsWith('#') || f.Length != 4 || f[0] is not (QuarantineEntry.PackKind or QuarantineEntry.LostKind)
            || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
        {
            return null;
        }

        return new QuarantineEntry(f[0], f[1], DateTimeOffset.FromUnixTimeSeconds(t), f[3]);
    }

    /// <summary>
    /// Replaces the file with <paramref name="change"/> applied to what it holds now. Returns the new
    /// quarantine; when the file cannot be written, warns through <paramref name="warn"/> and returns
    /// the changed quarantine anyway (callers keep it in memory).
    /// </summary>
    public static PackQuarantine Update(string gitDir, Func<PackQuarantine, IEnumerable<QuarantineEntry>> change, Action<string> warn)
    {
        lock (WriteLock)
        {
            var current = Load(gitDir);
            var next = new PackQuarantine([.. change(current)]);
            if (next.Entries.SequenceEqual(current.Entries))
            {
                return next; // nothing to record: a read-only command then writes nothing
            }

            try
            {
                Durable.WriteAllBytes(PathOf(gitDir), Encoding.UTF8.GetBytes(next.Format()));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn($"cannot record damage in {PathOf(gitDir)}: {e.Message}");
            }

            return next;
        }
    }

    /// <summary>The quarantine with the pack <paramref name="packPath"/> added (unchanged when already in).</summary>
    public IEnumerable<QuarantineEntry> WithPack(string packPath, string reason) =>
        Contains(packPath) ? Entries : [.. Entries, new QuarantineEntry(QuarantineEntry.PackKind, Stem(packPath), DateTimeOffset.UtcNow, OneLine(reason))];

    /// <summary>The file's text.</summary>
    public string Format()
    {
        var sb = new StringBuilder(Header);
        foreach (var e in Entries)
        {
            sb.Append(e.Kind).Append('\t').Append(e.Name).Append('\t')
              .Append(e.Time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\t').Append(OneLine(e.Reason)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A reason fit for one field: tabs and line breaks become spaces.</summary>
    public static string OneLine(string reason) => reason.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
