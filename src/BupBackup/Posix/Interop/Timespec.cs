// struct timespec on 64-bit Linux (utimensat's argument).
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>Mirror of <c>struct timespec</c> with 64-bit <c>time_t</c> and <c>long</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;      // tv_sec
    public long Nanoseconds;  // tv_nsec
}
