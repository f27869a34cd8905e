// The one exception type of the POSIX layer: a failed system call with its errno and path.
using System.Runtime.InteropServices;
using BupStore.Objects;

namespace BupBackup.Posix;

/// <summary>A system call failed. Carries the errno, the operation name and the path (as bytes).</summary>
public sealed class PosixException : IOException
{
    /// <summary>Creates the exception for <paramref name="operation"/> on <paramref name="path"/>.</summary>
    public PosixException(string operation, ReadOnlySpan<byte> path, int errno)
        : base($"{operation} {NameText.Display(path)}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Operation = operation;
        Path = path.ToArray();
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The failed call, e.g. <c>lstat</c>.</summary>
    public string Operation { get; }

    /// <summary>The path the call was made on.</summary>
    public byte[] Path { get; }

    /// <summary>The Linux errno value.</summary>
    public int Errno { get; }

    /// <summary>Throws for the last P/Invoke error.</summary>
    internal static PosixException Last(string operation, ReadOnlySpan<byte> path) =>
        new(operation, path, Marshal.GetLastPInvokeError());
}
