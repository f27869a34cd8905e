// bup restore --map-user, --map-group, --map-uid, --map-gid (cmd/restore.py parse_owner_mappings
// and apply_metadata): the recorded owner is rewritten before the usual rules choose between
// names and ids, so --map-uid only matters where no user name wins (or with --numeric-ids).
using System.Globalization;
using BupStore.Formats;

namespace BupBackup.Restore;

/// <summary>
/// Rewrites the owner of each restored node's record. A later mapping of the same old value
/// replaces an earlier one. Build it before the restore; reading it is thread-safe.
/// </summary>
public sealed class OwnerMap
{
    private readonly Dictionary<string, byte[]> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _uids = [];
    private readonly Dictionary<long, long> _gids = [];

    /// <summary>True when nothing is mapped.</summary>
    public bool IsEmpty => _users.Count + _groups.Count + _uids.Count + _gids.Count == 0;

    /// <summary>Adds an --map-user OLD=NEW argument (NEW may be empty: the name is cleared, so the uid counts).</summary>
    /// <exception cref="FormatException">Not OLD=NEW as bup parses it.</exception>
    public void AddUser(ReadOnlySpan<byte> argument) => AddName(_users, argument, "user");

    /// <summary>Adds an --map-group OLD=NEW argument.</summary>
    /// <exception cref="FormatException">Not OLD=NEW as bup parses it.</exception>
    public void AddGroup(ReadOnlySpan<byte> argument) => AddName(_groups, argument, "group");

    /// <summary>Adds an --map-uid OLD=NEW argument (decimal, possibly negative).</summary>
    /// <exception cref="FormatException">Not two integers joined by '='.</exception>
    public void AddUid(ReadOnlySpan<byte> argument) => AddId(_uids, argument, "uid");

    /// <summary>Adds an --map-gid OLD=NEW argument.</summary>
    /// <exception cref="FormatException">Not two integers joined by '='.</exception>
    public void AddGid(ReadOnlySpan<byte> argument) => AddId(_gids, argument, "gid");

    /// <summary><paramref name="metadata"/> itself when nothing applies, else a copy with the owner mapped.</summary>
    public BupMetadata Apply(BupMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var user = _users.GetValueOrDefault(Key(metadata.User));
        var group = _groups.GetValueOrDefault(Key(metadata.Group));
        var uid = _uids.TryGetValue(metadata.Uid, out var u) ? u : (long?)null;
        var gid = _gids.TryGetValue(metadata.Gid, out var g) ? g : (long?)null;
        if (user is null && group is null && uid is null && gid is null)
        {
            return metadata;
        }

        var mapped = metadata.Clone();
        mapped.User = user ?? mapped.User;
        mapped.Group = group ?? mapped.Group;
        mapped.Uid = uid ?? mapped.Uid;
        mapped.Gid = gid ?? mapped.Gid;
        return mapped;
    }

    // Names are bytes; Latin-1 keeps one char per byte, so any name is a key.
    private static string Key(ReadOnlySpan<byte> name) => PythonRegex.Text(name);

    // bup: ^([^=]+)=([^=]*)$
    private static void AddName(Dictionary<string, byte[]> map, ReadOnlySpan<byte> argument, string type)
    {
        var split = argument.IndexOf((byte)'=');
        if (split <= 0 || argument[(split + 1)..].Contains((byte)'='))
        {
            throw Unparsable(argument, type);
        }

        map[Key(argument[..split])] = argument[(split + 1)..].ToArray();
    }

    // bup: ^(-?[0-9]+)=(-?[0-9]+)$
    private static void AddId(Dictionary<long, long> map, ReadOnlySpan<byte> argument, string type)
    {
        var split = argument.IndexOf((byte)'=');
        if (split < 0 || !TryParseId(argument[..split], out var old) || !TryParseId(argument[(split + 1)..], out var @new))
        {
            throw Unparsable(argument, type);
        }

        map[old] = @new;
    }

    private static bool TryParseId(ReadOnlySpan<byte> text, out long id)
    {
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        id = 0;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id);
    }

    private static FormatException Unparsable(ReadOnlySpan<byte> argument, string type) =>
        new($"couldn't parse '{BupStore.Objects.NameText.Display(argument)}' as {type} mapping");
}
