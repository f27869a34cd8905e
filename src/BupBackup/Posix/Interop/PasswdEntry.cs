// struct passwd and struct group from <pwd.h>/<grp.h> on 64-bit glibc.
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>Mirror of <c>struct passwd</c> (only the fields the layer reads are named).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PasswdEntry
{
    public nint Name;      // pw_name
    public nint Password;  // pw_passwd
    public uint Uid;       // pw_uid
    public uint Gid;       // pw_gid
    public nint Gecos;     // pw_gecos
    public nint Home;      // pw_dir
    public nint Shell;     // pw_shell
}

/// <summary>Mirror of <c>struct group</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GroupEntry
{
    public nint Name;      // gr_name
    public nint Password;  // gr_passwd
    public uint Gid;       // gr_gid
    public nint Members;   // gr_mem
}
