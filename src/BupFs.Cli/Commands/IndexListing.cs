using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;

namespace BupFs.Cli.Commands;

/// <summary>
/// The paths bup index -p/-m/-s prints, as bup's index.Reader.filter yields them: each argument
/// resolved (bup's reduce_paths), arguments inside another one dropped, the rest taken in reverse
/// order, and below each the entries children first (reverse path order). Names are printed as the
/// user gave them: the argument followed by the rest of the entry's path, so a relative argument
/// gives relative names, and no argument means the current directory, printed as "./".
/// </summary>
internal static class IndexListing
{
    /// <summary>One argument: its resolved path (a directory with '/') and the prefix printed in its place.</summary>
    internal readonly record struct Prefix(byte[] Resolved, byte[] Given);

    /// <summary>bup's reduce_paths for listing; unresolvable arguments go to <paramref name="warn"/> and are skipped.</summary>
    public static List<Prefix> Reduce(IReadOnlyList<byte[]> arguments, Action<string> warn)
    {
        var given = arguments.Count == 0 ? [[]] : arguments;
        var resolved = new List<Prefix>();
        foreach (var path in given)
        {
            try
            {
                // bup resolves '' as the current directory.
                var real = path.Length == 0 ? PathNames.CurrentDirectory() : PathNames.ResolveParent(path);
                var isDir = PosixFiles.LStat(real).FileType == PosixFileType.Directory;
                resolved.Add(isDir ? new Prefix(PathNames.AsDirectory(real), path.Length == 0 ? path : PathNames.AsDirectory(path)) : new Prefix(real, path));
            }
            catch (PosixException e)
            {
                warn($"reduce_paths: {e.Message}");
            }
        }

        resolved.Sort(Compare);
        var kept = new List<Prefix>();
        foreach (var p in resolved)
        {
            if (kept.Count == 0 || !Supersedes(kept[^1].Resolved, p.Resolved))
            {
                kept.Add(p);
            }
        }

        kept.Reverse();
        return kept;
    }

    /// <summary>
    /// The records at or below <paramref name="prefix"/> that <paramref name="include"/> accepts,
    /// with the name to print, children before their directory. Null when the index has nothing
    /// there at all (bup: "cannot find").
    /// </summary>
    public static List<(byte[] Name, IndexRecord Record)>? Entries(string indexPath, Prefix prefix, Func<IndexRecord, bool> include)
    {
        var found = false;
        var entries = new List<(byte[] Name, IndexRecord Record)>();
        foreach (var record in IndexFile.Records(indexPath))
        {
            if (!PathNames.IsWithin(record.Path, prefix.Resolved))
            {
                continue;
            }

            found = true;
            if (include(record))
            {
                var name = (byte[])[.. prefix.Given, .. record.Path.AsSpan(prefix.Resolved.Length)];
                entries.Add((name.Length == 0 ? "./"u8.ToArray() : name, record));
            }
        }

        // bup's index stores, and so lists, each directory's entries in reverse order after its contents.
        entries.Sort(static (a, b) => b.Record.Path.AsSpan().SequenceCompareTo(a.Record.Path));
        return found ? entries : null;
    }

    private static int Compare(Prefix a, Prefix b)
    {
        var c = a.Resolved.AsSpan().SequenceCompareTo(b.Resolved);
        return c != 0 ? c : a.Given.AsSpan().SequenceCompareTo(b.Given);
    }

    private static bool Supersedes(byte[] previous, byte[] next) =>
        previous.AsSpan().SequenceEqual(next) || (previous[^1] == (byte)'/' && next.AsSpan().StartsWith(previous));
}
