namespace Conformance.Model;

/// <summary>An open file of a filesystem under test: a file descriptor, or a contract handle. Disposing closes it.</summary>
public interface IOpenFile : IDisposable
{
    /// <summary>pwrite(2): writes all of <paramref name="data"/> at <paramref name="offset"/> (at the end for append opens).</summary>
    void Write(long offset, byte[] data);

    /// <summary>pread(2) until <paramref name="count"/> bytes or end of file.</summary>
    byte[] Read(long offset, int count);
}
