// A streaming writer of POSIX.1-2001 pax archives (ustar blocks plus 'x' extended headers), with
// the GNU/star extensions GNU tar reads: SCHILY.xattr.* and SCHILY.acl.*.
using System.Buffers;
using BupStore.Formats;

namespace BupBackup.Restore.Tar;

/// <summary>
/// Writes tar members one after another to a stream that need not be seekable (a pipe, ssh).
/// Each member gets a pax extended header when it needs one: names or link names over 100 bytes,
/// sizes of 8 GiB and more, large or negative ids and times, long owner names, nanosecond times,
/// extended attributes and ACLs. <see cref="Finish"/> writes the end-of-archive blocks.
/// </summary>
/// <remarks>Not thread-safe: one member at a time.</remarks>
public sealed class PaxTarWriter : IDisposable
{
    private const int CopyBufferSize = 1 << 20;
    private static readonly byte[] Zeros = new byte[UstarHeader.BlockSize];

    private static ReadOnlySpan<byte> PaxDirectory => "PaxHeaders/"u8;

    private static ReadOnlySpan<byte> XattrPrefix => "SCHILY.xattr."u8;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _block = new byte[UstarHeader.BlockSize];
    private bool _finished;

    /// <summary>Writes to <paramref name="output"/>; disposing the writer disposes it unless <paramref name="leaveOpen"/>.</summary>
    public PaxTarWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>
    /// Writes one member. A regular file's content is read from <paramref name="content"/>: exactly
    /// <see cref="TarEntry.Size"/> bytes are written, so the archive stays well-formed whatever the stream does.
    /// </summary>
    /// <exception cref="EndOfStreamException">
    /// The content ended early or reading it failed (the cause is the inner exception); the member
    /// was padded with zeros and the archive can be continued.
    /// </exception>
    public void WriteEntry(TarEntry entry, Stream? content = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_finished, this);
        var size = entry.Type == TarEntryType.Regular ? entry.Size : 0;
        if (size < 0)
        {
            throw new ArgumentException($"negative size {size}", nameof(entry));
        }

        var records = ExtendedRecords(entry, size);
        if (!records.IsEmpty)
        {
            WriteExtendedHeader(entry, records.Content);
        }

        UstarHeader.Write(_block, entry, (byte)entry.Type, size);
        _output.Write(_block);
        if (size > 0)
        {
            CopyContent(content ?? Stream.Null, size);
        }
    }

    /// <summary>Writes the two zero blocks that end an archive and flushes. Further members are refused.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        Array.Clear(_block);
        _output.Write(_block);
        _output.Write(_block);
        _output.Flush();
    }

    /// <summary>Disposes the stream unless the writer was told to leave it open. Does not call <see cref="Finish"/>.</summary>
    public void Dispose()
    {
        _finished = true;
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private static PaxRecords ExtendedRecords(TarEntry entry, long size)
    {
        var records = new PaxRecords();
        if (entry.Name.Length > UstarHeader.NameLength)
        {
            records.AddText("path", entry.Name);
        }

        if (entry.LinkName is { Length: > UstarHeader.LinkNameLength } link)
        {
            records.AddText("linkpath", link);
        }

        AddNumbers(records, entry, size);
        AddOwnerNames(records, entry);
        AddTimes(records, entry);
        AddAttributes(records, entry);
        return records;
    }

    private static void AddNumbers(PaxRecords records, TarEntry entry, long size)
    {
        if (!UstarHeader.Fits(size, UstarHeader.MaxLongField))
        {
            records.AddNumber("size", size);
        }

        if (entry.Uid > UstarHeader.MaxShortField)
        {
            records.AddNumber("uid", entry.Uid);
        }

        if (entry.Gid > UstarHeader.MaxShortField)
        {
            records.AddNumber("gid", entry.Gid);
        }
    }

    private static void AddOwnerNames(PaxRecords records, TarEntry entry)
    {
        if (entry.UserName.Length > UstarHeader.OwnerNameLength)
        {
            records.AddText("uname", entry.UserName);
        }

        if (entry.GroupName.Length > UstarHeader.OwnerNameLength)
        {
            records.AddText("gname", entry.GroupName);
        }
    }

    private static void AddTimes(PaxRecords records, TarEntry entry)
    {
        if (entry.Atime is { } atime)
        {
            records.AddTime("atime", atime);
        }

        if (entry.Ctime is { } ctime)
        {
            records.AddTime("ctime", ctime);
        }

        if (entry.Mtime.Nanoseconds != 0 || !UstarHeader.Fits(entry.Mtime.Seconds, UstarHeader.MaxLongField))
        {
            records.AddTime("mtime", entry.Mtime);
        }
    }

    private static void AddAttributes(PaxRecords records, TarEntry entry)
    {
        if (entry.AccessAcl is { Length: > 0 } access)
        {
            records.Add("SCHILY.acl.access", access);
        }

        if (entry.DefaultAcl is { Length: > 0 } @default)
        {
            records.Add("SCHILY.acl.default", @default);
        }

        foreach (var xattr in entry.Xattrs)
        {
            // GNU tar and star key xattrs by name; the value is raw bytes (the record has a length).
            records.Add([.. XattrPrefix, .. xattr.Name], xattr.Value);
        }
    }

    private void WriteExtendedHeader(TarEntry entry, ReadOnlySpan<byte> content)
    {
        var header = new TarEntry
        {
            Name = PaxHeaderName(entry.Name),
            Type = TarEntryType.Regular,
            Mode = 0x1A4, // 0o644
            Mtime = new BupTimespec(Math.Max(0, entry.Mtime.Seconds), 0),
        };
        UstarHeader.Write(_block, header, (byte)'x', content.Length);
        _output.Write(_block);
        _output.Write(content);
        Pad(content.Length);
    }

    // "PaxHeaders/<last component>", cut to the name field; readers ignore it.
    private static byte[] PaxHeaderName(ReadOnlySpan<byte> name)
    {
        var trimmed = name.TrimEnd((byte)'/');
        var slash = trimmed.LastIndexOf((byte)'/');
        var last = trimmed[(slash + 1)..];
        var room = UstarHeader.NameLength - PaxDirectory.Length;
        return [.. PaxDirectory, .. last[..Math.Min(last.Length, room)]];
    }

    private void CopyContent(Stream content, long size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var remaining = size;
            while (remaining > 0)
            {
                var n = ReadContent(content, buffer, remaining, out var failure);
                if (n <= 0)
                {
                    FinishContent(size, remaining, buffer, failure);
                    return;
                }

                _output.Write(buffer, 0, n);
                remaining -= n;
            }

            Pad(size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A failing source must not break the archive: the member is finished with zeros instead.
    private static int ReadContent(Stream content, byte[] buffer, long remaining, out Exception? failure)
    {
        failure = null;
        try
        {
            return content.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = e;
            return 0;
        }
    }

    // Pads a short member with zeros so later members stay aligned, then says it was short.
    private void FinishContent(long size, long missing, byte[] buffer, Exception? failure)
    {
        Array.Clear(buffer);
        for (var left = missing; left > 0; left -= Math.Min(left, buffer.Length))
        {
            _output.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
        }

        Pad(size);
        var reason = failure is null ? "content ended" : $"reading content failed ({failure.Message})";
        throw new EndOfStreamException($"{reason} {missing} bytes before its size of {size}; padded with zeros", failure);
    }

    private void Pad(long length)
    {
        var rest = (int)(length % UstarHeader.BlockSize);
        if (rest != 0)
        {
            _output.Write(Zeros, 0, UstarHeader.BlockSize - rest);
        }
    }
}
