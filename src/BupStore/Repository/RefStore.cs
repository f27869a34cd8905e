using System.Text;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Git refs: loose files under refs/ and the packed-refs file (read), updated with git's lock-file
/// protocol and a compare-and-swap on the old value, so two writers never lose a commit
/// (docs/formats/objects.md, "Parents, refs and branch names"). With core.logAllRefUpdates each change is appended to the reflog.
/// </summary>
/// <remarks>Thread-safe and multi-process safe for updates: the lock file is the arbiter.</remarks>
public sealed class RefStore
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);
    private readonly string _gitDir;
    private readonly bool _logUpdates;

    internal RefStore(string gitDir, bool logUpdates)
    {
        _gitDir = gitDir;
        _logUpdates = logUpdates;
    }

    /// <summary>Resolves a full ref name ("refs/heads/x", "HEAD") to an id, following symbolic refs.</summary>
    public bool TryRead(string name, out ObjectId id)
    {
        for (var depth = 0; depth < 5; depth++)
        {
            var loose = ReadLoose(name);
            if (loose is not null && loose.StartsWith("ref: ", StringComparison.Ordinal))
            {
                name = loose[5..].Trim();
                continue;
            }

            if (loose is not null)
            {
                return ObjectId.TryParse(loose.Trim(), out id) ? true : throw new RepositoryException($"ref {name}: malformed content");
            }

            return ReadPacked().TryGetValue(name, out id);
        }

        throw new RepositoryException($"ref {name}: symbolic refs nested too deep");
    }

    private string? ReadLoose(string name)
    {
        CheckName(name);
        var path = PathOf(name);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path, Encoding.ASCII) : null;
        }
        catch (UnauthorizedAccessException)
        {
            // A directory of the same name (refs/heads/a when refs/heads/a/b exists) is no ref.
            return null;
        }
    }

    private Dictionary<string, ObjectId> ReadPacked()
    {
        var result = new Dictionary<string, ObjectId>(StringComparer.Ordinal);
        var path = Path.Combine(_gitDir, "packed-refs");
        if (!File.Exists(path))
        {
            return result;
        }

        foreach (var line in File.ReadLines(path, Encoding.ASCII))
        {
            // "#" is the header, "^" a peeled tag value; neither names a ref.
            if (line.Length > 41 && line[0] != '#' && line[0] != '^' && line[40] == ' '
                && ObjectId.TryParse(line.AsSpan(0, 40), out var id))
            {
                result[line[41..]] = id;
            }
        }

        return result;
    }

    /// <summary>
    /// Every ref under <paramref name="prefix"/> ("refs/heads/"), loose over packed, ordered by name
    /// as git show-ref does. A loose ref that cannot be used — a file name git would refuse, content
    /// that is no object id, a symbolic ref nested too deep — is left out (together with any packed
    /// value it hides), as <c>git for-each-ref</c> does, so one damaged file never hides the others;
    /// <paramref name="skipped"/>, when given, receives one line per ref left out.
    /// </summary>
    public IReadOnlyList<(string Name, ObjectId Id)> List(string prefix, Action<string>? skipped = null)
    {
        var all = new SortedDictionary<string, ObjectId>(StringComparer.Ordinal);
        foreach (var (name, id) in ReadPacked())
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                all[name] = id;
            }
        }

        var root = PathOf(prefix.TrimEnd('/'));
        if (Directory.Exists(root))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(_gitDir, file).Replace('\\', '/');
                if (name.EndsWith(".lock", StringComparison.Ordinal))
                {
                    continue; // an update in progress, not a ref
                }

                if (TryReadListed(name, skipped, out var id))
                {
                    all[name] = id;
                }
                else
                {
                    all.Remove(name);
                }
            }
        }

        return all.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>Reads one listed loose ref; false (and one line to <paramref name="skipped"/>) if it is unusable.</summary>
    private bool TryReadListed(string name, Action<string>? skipped, out ObjectId id)
    {
        id = default;
        if (!RefNames.IsValidRefName(name))
        {
            skipped?.Invoke($"ignoring ref with broken name {name}");
            return false;
        }

        try
        {
            return TryRead(name, out id);
        }
        catch (RepositoryException e)
        {
            skipped?.Invoke($"ignoring broken ref {name}: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="newId"/> if it still holds
    /// <paramref name="expectedOld"/> (<see cref="ObjectId.Zero"/>: must not exist yet).
    /// </summary>
    /// <exception cref="RefConflictException">The ref changed since the caller read it.</exception>
    public void Update(string name, ObjectId newId, ObjectId expectedOld, string? message = null)
    {
        CheckName(name);
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var lockFile = AcquireLock(path + ".lock", name);
        var current = TryRead(name, out var id) ? id : ObjectId.Zero;
        if (current != expectedOld)
        {
            throw new RefConflictException(name, expectedOld, current);
        }

        lockFile.Stream.Write(Encoding.ASCII.GetBytes(newId + "\n"));
        lockFile.Stream.Flush(true);
        lockFile.Commit(path);
        AppendReflog(name, current, newId, message);
    }

    private RefLock AcquireLock(string lockPath, string name)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new RefLock(lockPath);
            }
            catch (IOException) when (File.Exists(lockPath) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                throw new RepositoryException($"ref {name}: locked by another process ({lockPath} exists; remove it if no bup or git is running)");
            }
        }
    }

    private void AppendReflog(string name, ObjectId oldId, ObjectId newId, string? message)
    {
        if (!_logUpdates)
        {
            return;
        }

        var (who, email) = Identity.Current();
        var sig = Signature.Now(who, email);
        var line = new List<byte>();
        line.AddRange(Encoding.ASCII.GetBytes($"{oldId} {newId} "));
        line.AddRange(sig.Format());
        if (!string.IsNullOrEmpty(message))
        {
            line.AddRange(Encoding.UTF8.GetBytes("\t" + message.ReplaceLineEndings(" ")));
        }

        line.Add((byte)'\n');
        var log = Path.Combine(_gitDir, "logs", name);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        using var f = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        f.Write(line.ToArray());
    }

    /// <summary>
    /// The values ref <paramref name="name"/> held according to its reflog (logs/NAME), newest first:
    /// each line's new value, then its old one; zero ids, repeats and lines that do not parse are
    /// left out. Empty when there is no reflog. For recovery only: a reflog is a record, not a ref.
    /// </summary>
    public IReadOnlyList<ObjectId> LoggedValues(string name)
    {
        CheckName(name);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(Path.Combine(_gitDir, "logs", name));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        var values = new List<ObjectId>();
        var lines = Encoding.Latin1.GetString(content).Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            // "<old> <new> <identity> <time> <zone>\t<message>" (git's reflog format).
            var line = lines[i];
            if (line.Length > 82 && line[40] == ' ' && line[81] == ' '
                && ObjectId.TryParse(line.AsSpan(41, 40), out var newId) && ObjectId.TryParse(line.AsSpan(0, 40), out var oldId))
            {
                foreach (var id in (ReadOnlySpan<ObjectId>)[newId, oldId])
                {
                    if (!id.IsZero && !values.Contains(id))
                    {
                        values.Add(id);
                    }
                }
            }
        }

        return values;
    }

    private string PathOf(string name) => Path.Combine(_gitDir, name.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Refuses names that could escape the repository or that git itself would refuse.</summary>
    public static void CheckName(string name)
    {
        if (name != "HEAD" && !RefNames.IsValidRefName(name))
        {
            throw new RepositoryException($"invalid ref name '{name}'");
        }
    }
}
