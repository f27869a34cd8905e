using Conformance.Model;

namespace Conformance.Drivers;

/// <summary>A file descriptor on the mount; pread/pwrite, as programs that share descriptors do.</summary>
internal sealed class MountOpenFile(int fd) : IOpenFile
{
    public unsafe void Write(long offset, byte[] data)
    {
        int done = 0;
        fixed (byte* start = data)
        {
            while (done < data.Length)
            {
                done += (int)ErrnoTranslation.CheckMarshalled(LinuxCalls.PWrite(fd, start + done, (nuint)(data.Length - done), offset + done), "pwrite");
            }
        }
    }

    public unsafe byte[] Read(long offset, int count)
    {
        var buffer = new byte[count];
        int done = 0;
        fixed (byte* start = buffer)
        {
            long n;
            while (done < count && (n = ErrnoTranslation.CheckMarshalled(LinuxCalls.PRead(fd, start + done, (nuint)(count - done), offset + done), "pread")) > 0)
            {
                done += (int)n;
            }
        }

        return buffer[..done];
    }

    public void Dispose() => ErrnoTranslation.CheckMarshalled(LinuxCalls.Close(fd), "close");
}
