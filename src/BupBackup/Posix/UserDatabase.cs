// passwd/group lookups by id and by name, cached like bup's pwdgrp.py (names are bytes).
using System.Collections.Concurrent;
using BupBackup.Posix.Interop;

namespace BupBackup.Posix;

/// <summary>
/// User and group names from the system databases (NSS: files, LDAP, …) through the reentrant
/// glibc calls. Results, including "not found", are cached for the life of the process, as bup
/// does. Thread-safe.
/// </summary>
public static unsafe class UserDatabase
{
    private static readonly ConcurrentDictionary<uint, byte[]?> UserNames = new();
    private static readonly ConcurrentDictionary<uint, byte[]?> GroupNames = new();
    private static readonly ConcurrentDictionary<string, uint?> UserIds = new();
    private static readonly ConcurrentDictionary<string, uint?> GroupIds = new();

    /// <summary>The login name of <paramref name="uid"/>, or null if the database has none.</summary>
    public static byte[]? UserName(uint uid) => UserNames.GetOrAdd(uid, static id => LookupPasswd(id, null)?.Name);

    /// <summary>The name of group <paramref name="gid"/>, or null if the database has none.</summary>
    public static byte[]? GroupName(uint gid) => GroupNames.GetOrAdd(gid, static id => LookupGroup(id, null)?.Name);

    /// <summary>The uid of the user called <paramref name="name"/>, or null.</summary>
    public static uint? UserId(byte[] name) =>
        IsLookupName(name) ? UserIds.GetOrAdd(Convert.ToHexString(name), static (_, n) => LookupPasswd(0, n)?.Id, name) : null;

    /// <summary>The gid of the group called <paramref name="name"/>, or null.</summary>
    public static uint? GroupId(byte[] name) =>
        IsLookupName(name) ? GroupIds.GetOrAdd(Convert.ToHexString(name), static (_, n) => LookupGroup(0, n)?.Id, name) : null;

    // Names come from repository metadata: empty ones and ones with NUL can name no one.
    private static bool IsLookupName(byte[] name) => name is { Length: > 0 } && !name.AsSpan().Contains((byte)0);

    private static (byte[] Name, uint Id)? LookupPasswd(uint uid, byte[]? name)
    {
        var nativeName = name is null ? null : NativePath.Terminate(name);
        for (var size = 1024; ; size *= 2)
        {
            var buffer = new byte[size];
            PasswdEntry entry;
            PasswdEntry* result = null;
            int error;
            fixed (byte* b = buffer, n = nativeName)
            {
                error = n == null ? LibC.GetPwUid(uid, &entry, b, (nuint)size, &result) : LibC.GetPwNam(n, &entry, b, (nuint)size, &result);
                if (error == 0 && result != null)
                {
                    return (NativePath.FromCString((byte*)entry.Name), entry.Uid);
                }
            }

            if (error != Errno.ERANGE || size >= 1 << 20)
            {
                return null; // not found, or the database failed: bup records an empty name either way
            }
        }
    }

    private static (byte[] Name, uint Id)? LookupGroup(uint gid, byte[]? name)
    {
        var nativeName = name is null ? null : NativePath.Terminate(name);
        for (var size = 1024; ; size *= 2)
        {
            var buffer = new byte[size];
            GroupEntry entry;
            GroupEntry* result = null;
            int error;
            fixed (byte* b = buffer, n = nativeName)
            {
                error = n == null ? LibC.GetGrGid(gid, &entry, b, (nuint)size, &result) : LibC.GetGrNam(n, &entry, b, (nuint)size, &result);
                if (error == 0 && result != null)
                {
                    return (NativePath.FromCString((byte*)entry.Name), entry.Gid);
                }
            }

            if (error != Errno.ERANGE || size >= 1 << 20)
            {
                return null;
            }
        }
    }
}
