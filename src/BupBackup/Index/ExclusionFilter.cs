using System.Text;

namespace BupBackup.Index;

/// <summary>
/// Decides which paths an index walk leaves out: --exclude paths (and everything below them, since
/// the walk never enters them), --exclude-rx patterns, and the repository directory.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
internal sealed class ExclusionFilter
{
    private readonly HashSet<string> _excluded;
    private readonly string? _repository;
    private readonly IReadOnlyList<System.Text.RegularExpressions.Regex> _patterns;

    /// <summary>A filter for the exclusions in <paramref name="options"/>.</summary>
    public ExclusionFilter(IndexOptions options)
    {
        _excluded = options.Excludes.Select(Key).ToHashSet(StringComparer.Ordinal);
        _repository = options.RepositoryDirectory is { } repo ? Key(repo) : null;
        _patterns = options.ExcludePatterns;
    }

    // Paths as Latin-1 strings: one char per byte, so any byte path is a usable set key and regex input.
    private static string Key(byte[] path) => Encoding.Latin1.GetString(PathNames.ForSystem(path));

    /// <summary>True when entry <paramref name="name"/> of directory <paramref name="dir"/> is left out.</summary>
    public bool IsExcluded(ReadOnlySpan<byte> dir, ReadOnlySpan<byte> name, bool isDirectory)
    {
        // Most walks have no exclusions: skip building the key for every file.
        if (_excluded.Count == 0 && _patterns.Count == 0 && (!isDirectory || _repository is null))
        {
            return false;
        }

        var key = Key(PathNames.Join(dir, name));
        if (_excluded.Contains(key) || (isDirectory && key == _repository))
        {
            return true;
        }

        var text = isDirectory ? key + "/" : key;
        return _patterns.Any(rx => rx.IsMatch(text));
    }
}
