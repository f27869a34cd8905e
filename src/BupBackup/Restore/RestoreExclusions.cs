// bup restore --exclude-rx / --exclude-rx-from (cmd/restore.py restore(): a node is skipped, with
// everything below it, when a pattern matches its path in the restore tree: '/' + the path, plus
// a trailing '/' for a directory; unanchored, so "x/y" matches "ox/yard").
using System.Text.RegularExpressions;

namespace BupBackup.Restore;

/// <summary>The patterns a restore leaves out. Immutable; thread-safe.</summary>
public sealed class RestoreExclusions
{
    private readonly Regex[] _patterns;

    private RestoreExclusions(Regex[] patterns) => _patterns = patterns;

    /// <summary>The number of patterns.</summary>
    public int Count => _patterns.Length;

    /// <summary>
    /// Compiles <paramref name="patterns"/>, Python regular expressions over bytes as bup takes them
    /// (see <c>bup restore --help</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A pattern is invalid; the message names it.</exception>
    public static RestoreExclusions Parse(IEnumerable<byte[]> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var compiled = new List<Regex>();
        foreach (var pattern in patterns)
        {
            try
            {
                compiled.Add(PythonRegex.Compile(pattern));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"invalid --exclude-rx pattern ({BupStore.Objects.NameText.Display(pattern)}): {e.Message}", e);
            }
        }

        return new RestoreExclusions([.. compiled]);
    }

    /// <summary>
    /// The lines of an --exclude-rx-from file: split at '\n', empty lines dropped, everything else
    /// (a '\r' included) kept as bup keeps it.
    /// </summary>
    public static IEnumerable<byte[]> Lines(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ReadOnlyMemory<byte> rest = file;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (!line.IsEmpty)
            {
                yield return line.ToArray();
            }
        }
    }

    /// <summary>True when the node at <paramref name="relativePath"/> below the restore's top (a directory when <paramref name="isDirectory"/>) is left out.</summary>
    public bool Excludes(ReadOnlySpan<byte> relativePath, bool isDirectory)
    {
        if (_patterns.Length == 0)
        {
            return false;
        }

        var path = new byte[relativePath.Length + (isDirectory ? 2 : 1)];
        path[0] = (byte)'/';
        relativePath.CopyTo(path.AsSpan(1));
        path[^1] = isDirectory ? (byte)'/' : path[^1];
        var text = PythonRegex.Text(path);
        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }
}
