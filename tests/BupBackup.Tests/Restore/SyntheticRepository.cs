using System.Buffers;
using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Tests.Restore;

/// <summary>
/// Writes saves object by object with BupStore's writer, so tests can build trees no sane tool
/// would: raw tree bytes with unsafe names, duplicate names after demangling, .bupm records that
/// lie about types or carry hostile targets.
/// </summary>
internal sealed class SyntheticRepository : IDisposable
{
    private readonly Repository _repository;
    private readonly ObjectWriter _writer;

    public SyntheticRepository(string path)
    {
        Path = path;
        _repository = Repository.Init(path);
        _writer = _repository.CreateWriter();
    }

    /// <summary>The repository directory.</summary>
    public string Path { get; }

    /// <summary>A plausible record: owned by root, fixed nanosecond times.</summary>
    public static BupMetadata Record(uint mode, byte[]? symlinkTarget = null, byte[]? hardlinkTarget = null, long? size = null) => new()
    {
        Mode = mode,
        User = "root"u8.ToArray(),
        Group = "root"u8.ToArray(),
        Atime = new BupTimespec(1_600_000_000, 1),
        Mtime = new BupTimespec(1_600_000_000, 123_456_789),
        Ctime = new BupTimespec(1_600_000_000, 5),
        Size = size,
        SymlinkTarget = symlinkTarget,
        HardlinkTarget = hardlinkTarget,
    };

    /// <summary>A directory record (0o755).</summary>
    public static BupMetadata Directory() => Record(0x41ED, size: 0);

    /// <summary>A regular file record (0o644).</summary>
    public static BupMetadata File(long size, byte[]? hardlinkTarget = null) => Record(0x81A4, hardlinkTarget: hardlinkTarget, size: size);

    /// <summary>A symlink record.</summary>
    public static BupMetadata Symlink(string target) => Record(0xA1FF, symlinkTarget: Encoding.UTF8.GetBytes(target));

    public ObjectId Blob(byte[] data) => _writer.Write(ObjectType.Blob, data);

    public ObjectId Blob(string text) => Blob(Encoding.UTF8.GetBytes(text));

    /// <summary>A tree in git's order, names checked (TreeCodec refuses unsafe ones).</summary>
    public ObjectId Tree(params TreeEntry[] entries) => _writer.Write(ObjectType.Tree, TreeCodec.Format(entries));

    /// <summary>A tree written byte for byte in the given order, with whatever names it is given.</summary>
    public ObjectId RawTree(params TreeEntry[] entries)
    {
        var body = new ArrayBufferWriter<byte>();
        foreach (var e in entries)
        {
            body.Write(Encoding.ASCII.GetBytes(Convert.ToString((int)e.Mode, 8) + " "));
            body.Write(e.Name);
            body.Write<byte>([0]);
            var id = new byte[ObjectId.Size];
            e.Id.WriteTo(id);
            body.Write(id);
        }

        return _writer.Write(ObjectType.Tree, body.WrittenSpan);
    }

    /// <summary>The .bupm blob of a directory: its own record, then the non-directories' records (by demangled name).</summary>
    public TreeEntry Bupm(BupMetadata? directory, params (string Name, BupMetadata Metadata)[] files) =>
        new(GitFileMode.Regular, ".bupm"u8.ToArray(), Blob(BupStore.Formats.Bupm.Build(directory, files.Select(f => (Encoding.UTF8.GetBytes(f.Name), (BupMetadata?)f.Metadata)))));

    /// <summary>Commits <paramref name="tree"/> as the only save of <paramref name="branch"/> and publishes it.</summary>
    public void Save(string branch, ObjectId tree)
    {
        var who = Signature.Now("test"u8.ToArray(), "test@example.com"u8.ToArray(), 1_700_000_000);
        var commit = _writer.Write(ObjectType.Commit, CommitCodec.Format(new Commit(tree, [], who, who, "synthetic\n"u8.ToArray())));
        _writer.Close();
        _repository.Refs.Update("refs/heads/" + branch, commit, ObjectId.Zero);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _repository.Dispose();
    }
}
