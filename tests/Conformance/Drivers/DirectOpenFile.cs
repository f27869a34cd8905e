using BupFs;
using Conformance.Model;

namespace Conformance.Drivers;

/// <summary>A contract handle; closing flushes then releases it, as close(2) of the last descriptor does through a host.</summary>
internal sealed class DirectOpenFile(IFileSystem fs, IFileHandle handle) : IOpenFile
{
    public void Write(long offset, byte[] data)
    {
        var writable = fs as IWritableFileSystem ?? throw new FsException(FsError.ReadOnly);
        int done = 0;
        while (done < data.Length)
        {
            done += writable.Write(handle, data.AsSpan(done), offset + done);
        }
    }

    public byte[] Read(long offset, int count)
    {
        var buffer = new byte[count];
        int done = 0;
        int n;
        while (done < count && (n = fs.Read(handle, buffer.AsSpan(done), offset + done)) > 0)
        {
            done += n;
        }

        return buffer[..done];
    }

    public void Dispose()
    {
        try
        {
            (fs as IWritableFileSystem)?.Flush(handle);
        }
        finally
        {
            fs.Release(handle);
        }
    }
}
