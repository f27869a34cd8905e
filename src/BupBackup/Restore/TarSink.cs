// Restoring into a pax tar stream instead of the filesystem (bupfs restore --tar).
using BupBackup.Restore.Tar;
using BupFs;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>
/// Turns restored nodes into tar members: directories before their entries (tar applies their
/// times at the end itself), hardlinks as type '1' members naming the first member of the group.
/// Sockets cannot be archived and are left out with a warning, as GNU tar does.
/// </summary>
/// <remarks>Called from the walking thread only.</remarks>
internal sealed class TarSink : IRestoreSink
{
    private readonly PaxTarWriter _writer;
    private readonly RestoreOptions _options;
    private readonly RestoreReport _report;

    public TarSink(PaxTarWriter writer, RestoreOptions options, RestoreReport report)
    {
        _writer = writer;
        _options = options;
        _report = report;
    }

    /// <inheritdoc/>
    public void BeginDirectory(RestoreItem directory)
    {
        var name = directory.IsDestination ? "./"u8.ToArray() : [.. directory.RelativePath, (byte)'/'];
        Emit(Entry(directory, name, TarEntryType.Directory));
    }

    /// <inheritdoc/>
    public void EndDirectory(RestoreItem directory)
    {
    }

    /// <inheritdoc/>
    public void Write(RestoreItem item, Func<Stream> openContent)
    {
        if (item.Kind == NodeKind.Socket)
        {
            _report.Warning($"{NameText.Display(item.RelativePath)}: socket ignored (tar cannot hold sockets)");
            return;
        }

        if (item.Kind != NodeKind.File)
        {
            Emit(Entry(item, item.RelativePath, TypeOf(item.Kind)));
            return;
        }

        using var content = openContent();
        Emit(Entry(item, item.RelativePath, TarEntryType.Regular, content.Length), content);
    }

    /// <inheritdoc/>
    public bool CanLinkTo(RestoreItem earlier) => earlier.Kind != NodeKind.Socket;

    /// <inheritdoc/>
    public bool Link(RestoreItem item, RestoreItem earlier)
    {
        Emit(Entry(item, item.RelativePath, TarEntryType.HardLink) with { LinkName = earlier.RelativePath });
        return true;
    }

    /// <inheritdoc/>
    public void Drain()
    {
    }

    /// <inheritdoc/>
    public void Complete() => Emit(null);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    // A member whose content failed is padded and reported; a failing output (the reader went away)
    // ends the whole restore, since nothing more can reach it.
    private void Emit(TarEntry? entry, Stream? content = null)
    {
        try
        {
            if (entry is null)
            {
                _writer.Finish();
            }
            else
            {
                _writer.WriteEntry(entry, content);
            }
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw new RestoreAbortedException($"writing the tar stream failed: {e.Message}", e);
        }
    }

    private TarEntry Entry(RestoreItem item, byte[] name, TarEntryType type, long size = 0)
    {
        var m = _options.OwnerMap?.Apply(item.Metadata) ?? item.Metadata;
        var (major, minor) = DeviceNumber.Split((ulong)m.Rdev);
        return new TarEntry
        {
            Name = name,
            Type = type,
            Mode = m.Permissions,
            Uid = m.Uid,
            Gid = m.Gid,
            UserName = m.User,
            GroupName = m.Group,
            Size = size,
            Mtime = m.Mtime,
            Atime = m.Atime,
            Ctime = m.Ctime,
            LinkName = type == TarEntryType.Symlink ? m.SymlinkTarget : null,
            DeviceMajor = major,
            DeviceMinor = minor,
            Xattrs = m.Xattrs,
            AccessAcl = m.Acl is { } acl ? (_options.NumericIds ? acl.AccessNumeric : acl.Access) : null,
            DefaultAcl = m.Acl is { HasDefault: true } dacl ? (_options.NumericIds ? dacl.DefaultNumeric : dacl.Default) : null,
        };
    }

    private static TarEntryType TypeOf(NodeKind kind) => kind switch
    {
        NodeKind.Symlink => TarEntryType.Symlink,
        NodeKind.Fifo => TarEntryType.Fifo,
        NodeKind.CharDevice => TarEntryType.CharacterDevice,
        NodeKind.BlockDevice => TarEntryType.BlockDevice,
        NodeKind.Directory => TarEntryType.Directory,
        _ => TarEntryType.Regular,
    };
}
