// The staging tree's durable state: one SQLite database in WAL mode (docs/formats/staging.md;
// docs/decisions/0003-staging-store.md says why SQLite and not a journal of our own).
//
// Durability: synchronous=NORMAL in WAL mode writes every committed transaction to the WAL with
// write(2) before the call returns, so it survives a kill -9 of the process (the page cache is
// the kernel's); Sync() checkpoints with fsync for the fsync(2) promise (a machine crash).
//
// Concurrency: not thread-safe. StagingFileSystem calls it under its one namespace lock.
using BupStore.Formats;
using BupStore.Objects;
using Microsoft.Data.Sqlite;

namespace BupFs.Staging;

/// <summary>Rows of nodes and directory entries, with prepared statements for each access.</summary>
internal sealed class StagingDatabase : IDisposable
{
    private const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS nodes(
            ino INTEGER PRIMARY KEY, kind INTEGER NOT NULL, record BLOB, nlink INTEGER NOT NULL,
            size INTEGER NOT NULL, base_mode INTEGER NOT NULL, base_id BLOB, state INTEGER NOT NULL,
            dirty INTEGER NOT NULL, origin BLOB, split_mode INTEGER NOT NULL, split_id BLOB);
        CREATE TABLE IF NOT EXISTS entries(
            parent INTEGER NOT NULL, name BLOB NOT NULL, ino INTEGER NOT NULL,
            PRIMARY KEY(parent, name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS entries_by_ino ON entries(ino);
        CREATE INDEX IF NOT EXISTS nodes_by_origin ON nodes(origin) WHERE origin IS NOT NULL;
        """;

    private const string NodeColumns = "ino, kind, record, nlink, size, base_mode, base_id, state, dirty, origin, split_mode, split_id";

    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly SqliteCommand _getNode;
    private readonly SqliteCommand _putNode;
    private readonly SqliteCommand _deleteNode;
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _list;
    private readonly SqliteCommand _addEntry;
    private readonly SqliteCommand _removeEntry;
    private readonly SqliteCommand _namesOf;
    private readonly SqliteCommand _hasChildren;
    private readonly SqliteCommand _getMeta;
    private readonly SqliteCommand _setMeta;
    private readonly SqliteCommand _byOrigin;
    private const int CachedNodes = 8192;
    private readonly Dictionary<ulong, StagedNode> _nodes = [];
    private SqliteTransaction? _transaction;

    private StagingDatabase(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
        _getNode = Prepare($"SELECT {NodeColumns} FROM nodes WHERE ino = $a");
        _putNode = Prepare($"INSERT OR REPLACE INTO nodes({NodeColumns}) VALUES ($a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $k, $l)");
        _deleteNode = Prepare("DELETE FROM nodes WHERE ino = $a");
        _find = Prepare("SELECT ino FROM entries WHERE parent = $a AND name = $b");
        _list = Prepare("SELECT name, ino FROM entries WHERE parent = $a ORDER BY name");
        _addEntry = Prepare("INSERT INTO entries(parent, name, ino) VALUES ($a, $b, $c)");
        _removeEntry = Prepare("DELETE FROM entries WHERE parent = $a AND name = $b");
        _namesOf = Prepare("SELECT parent, name FROM entries WHERE ino = $a ORDER BY parent, name");
        _hasChildren = Prepare("SELECT 1 FROM entries WHERE parent = $a LIMIT 1");
        _getMeta = Prepare("SELECT value FROM meta WHERE key = $a");
        _setMeta = Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ($a, $b)");
        _byOrigin = Prepare("SELECT 1 FROM nodes WHERE origin = $a AND nlink > 0 LIMIT 1");
    }

    /// <summary>Opens (creating when absent) the database at <paramref name="path"/>.</summary>
    /// <exception cref="StagingException">The file is not a staging database of a known version, or is damaged.</exception>
    public static StagingDatabase Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // Exclusive locking: the area's lock already makes this process the only user, and it
            // saves SQLite's per-transaction file locks and shared-memory index (measured: 44 lock
            // calls per file created by tar -x before).
            Execute(connection, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
            Execute(connection, Schema);
            var database = new StagingDatabase(connection, path);
            database.CheckVersion();
            return database;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StagingException($"{path}: the staging database cannot be read ({e.Message}); `bupfs reset` discards the staged changes", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="change"/> as one transaction: all of it is stored, or none.</summary>
    public T InTransaction<T>(Func<T> change)
    {
        if (_transaction is not null)
        {
            return change(); // nested: the outer transaction decides
        }

        _transaction = _connection.BeginTransaction();
        try
        {
            var result = change();
            _transaction.Commit();
            return result;
        }
        catch
        {
            _transaction.Rollback();
            _nodes.Clear(); // the cache may hold rows the rollback took back
            throw;
        }
        finally
        {
            _transaction.Dispose();
            _transaction = null;
        }
    }

    /// <summary>Runs <paramref name="change"/> as one transaction.</summary>
    public void InTransaction(Action change) => InTransaction(() =>
    {
        change();
        return 0;
    });

    /// <summary>Makes every committed transaction durable against a machine crash (fsync of the WAL and database).</summary>
    public void Sync() => Execute(_connection, "PRAGMA wal_checkpoint(FULL);");

    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    public byte[]? GetMeta(string key)
    {
        Bind(_getMeta, key);
        return _getMeta.ExecuteScalar() as byte[];
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void SetMeta(string key, byte[] value) => Run(_setMeta, key, value);

    /// <summary>The node <paramref name="inode"/>, or null when there is none.</summary>
    /// <remarks>
    /// Rows recently read or written are kept decoded in memory (a bounded cache, the database
    /// stays the truth); each call returns a copy, so a caller's changes count only once stored.
    /// </remarks>
    public StagedNode? GetNode(ulong inode)
    {
        if (_nodes.TryGetValue(inode, out var cached))
        {
            return cached.Copy();
        }

        Bind(_getNode, (long)inode);
        StagedNode? node;
        using (var reader = _getNode.ExecuteReader())
        {
            node = reader.Read() ? ReadNode(reader) : null;
        }

        if (node is not null)
        {
            Remember(node.Copy());
        }

        return node;
    }

    /// <summary>Inserts or replaces <paramref name="node"/>.</summary>
    public void PutNode(StagedNode node)
    {
        _nodes.Remove(node.Inode);
        StoreNode(node);
        Remember(node.Copy());
    }

    private void StoreNode(StagedNode node) => Run(
        _putNode,
        (long)node.Inode,
        (long)node.Kind,
        node.Metadata?.Encode(),
        (long)node.LinkCount,
        node.Size,
        (long)node.BaseMode,
        node.BaseId?.ToArray(),
        (long)node.State,
        node.Dirty ? 1L : 0L,
        node.Origin,
        (long)node.SplitMode,
        node.SplitId?.ToArray());

    /// <summary>Deletes node <paramref name="inode"/> (its entries must be gone already).</summary>
    public void DeleteNode(ulong inode)
    {
        _nodes.Remove(inode);
        Run(_deleteNode, (long)inode);
    }

    /// <summary>The node named <paramref name="name"/> in <paramref name="parent"/>, or null.</summary>
    public ulong? Find(ulong parent, ReadOnlySpan<byte> name)
    {
        Bind(_find, (long)parent, name.ToArray());
        return _find.ExecuteScalar() is long inode ? (ulong)inode : null;
    }

    /// <summary>The entries of <paramref name="parent"/>, sorted byte-wise by name.</summary>
    public List<(byte[] Name, ulong Inode)> List(ulong parent)
    {
        Bind(_list, (long)parent);
        var result = new List<(byte[], ulong)>();
        using var reader = _list.ExecuteReader();
        while (reader.Read())
        {
            result.Add(((byte[])reader.GetValue(0), (ulong)reader.GetInt64(1)));
        }

        return result;
    }

    /// <summary>True when <paramref name="parent"/> has at least one entry.</summary>
    public bool HasChildren(ulong parent)
    {
        Bind(_hasChildren, (long)parent);
        return _hasChildren.ExecuteScalar() is not null;
    }

    /// <summary>Adds the name <paramref name="name"/> in <paramref name="parent"/> for <paramref name="inode"/>.</summary>
    public void AddEntry(ulong parent, ReadOnlySpan<byte> name, ulong inode) => Run(_addEntry, (long)parent, name.ToArray(), (long)inode);

    /// <summary>Removes the name <paramref name="name"/> from <paramref name="parent"/>.</summary>
    public void RemoveEntry(ulong parent, ReadOnlySpan<byte> name) => Run(_removeEntry, (long)parent, name.ToArray());

    /// <summary>Every (parent, name) that names <paramref name="inode"/>.</summary>
    public List<(ulong Parent, byte[] Name)> NamesOf(ulong inode)
    {
        Bind(_namesOf, (long)inode);
        var result = new List<(ulong, byte[])>();
        using var reader = _namesOf.ExecuteReader();
        while (reader.Read())
        {
            result.Add(((ulong)reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }

        return result;
    }

    /// <summary>Nodes without names other than the root (held only by a process that is gone).</summary>
    public List<ulong> Orphans() => Inodes("SELECT ino FROM nodes WHERE nlink = 0 AND ino <> 1");

    /// <summary>How many directories are frozen.</summary>
    public long CountFrozen()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM nodes WHERE state = {(int)NodeState.Frozen}";
        command.Transaction = _transaction;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every node whose content is a spool file.</summary>
    public List<StagedNode> Spooled() => Nodes($"SELECT {NodeColumns} FROM nodes WHERE state = {(int)NodeState.Spooled}");

    /// <summary>True when a named node came from base path <paramref name="origin"/>.</summary>
    public bool HasOrigin(byte[] origin)
    {
        Bind(_byOrigin, origin);
        return _byOrigin.ExecuteScalar() is not null;
    }

    /// <summary>Every node the next commit must write.</summary>
    public List<StagedNode> DirtyNodes() => Nodes($"SELECT {NodeColumns} FROM nodes WHERE dirty <> 0");

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var command in new[] { _getNode, _putNode, _deleteNode, _find, _list, _addEntry, _removeEntry, _namesOf, _hasChildren, _getMeta, _setMeta, _byOrigin })
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private void Remember(StagedNode node)
    {
        if (_nodes.Count >= CachedNodes)
        {
            _nodes.Clear(); // crude but bounded; the hot rows come back on their next use
        }

        _nodes[node.Inode] = node;
    }

    private List<ulong> Inodes(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        using var reader = command.ExecuteReader();
        var result = new List<ulong>();
        while (reader.Read())
        {
            result.Add((ulong)reader.GetInt64(0));
        }

        return result;
    }

    private List<StagedNode> Nodes(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        using var reader = command.ExecuteReader();
        var result = new List<StagedNode>();
        while (reader.Read())
        {
            result.Add(ReadNode(reader));
        }

        return result;
    }

    private StagedNode ReadNode(SqliteDataReader reader)
    {
        var inode = (ulong)reader.GetInt64(0);
        var record = reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2);
        return new StagedNode
        {
            Inode = inode,
            Kind = (NodeKind)reader.GetInt64(1),
            Metadata = record is null ? null : BupMetadata.Decode(record, $"{_path}: node {inode}") ?? new BupMetadata(),
            LinkCount = (uint)reader.GetInt64(3),
            Size = reader.GetInt64(4),
            BaseMode = (GitFileMode)reader.GetInt64(5),
            BaseId = reader.IsDBNull(6) ? null : ObjectId.FromBytes((byte[])reader.GetValue(6)),
            State = (NodeState)reader.GetInt64(7),
            Dirty = reader.GetInt64(8) != 0,
            Origin = reader.IsDBNull(9) ? null : (byte[])reader.GetValue(9),
            SplitMode = (GitFileMode)reader.GetInt64(10),
            SplitId = reader.IsDBNull(11) ? null : ObjectId.FromBytes((byte[])reader.GetValue(11)),
        };
    }

    private void CheckVersion()
    {
        var stored = GetMeta("schema");
        if (stored is null)
        {
            SetMeta("schema", BitConverter.GetBytes(SchemaVersion));
        }
        else if (stored.Length != 4 || BitConverter.ToInt32(stored) != SchemaVersion)
        {
            throw new StagingException($"{_path}: staging database of an unknown version; a newer bupfs wrote it");
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in new[] { "$a", "$b", "$c", "$d", "$e", "$f", "$g", "$h", "$i", "$j", "$k", "$l" })
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }
        }

        return command;
    }

    private void Bind(SqliteCommand command, params object?[] values)
    {
        command.Transaction = _transaction;
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private void Run(SqliteCommand command, params object?[] values)
    {
        Bind(command, values);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
