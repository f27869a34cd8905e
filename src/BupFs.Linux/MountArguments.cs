using System.Globalization;

namespace BupFs.Linux;

/// <summary>Builds the argv handed to fuse_session_new from <see cref="FuseMountOptions"/>.</summary>
internal static class MountArguments
{
    /// <summary>
    /// argv[0] (libfuse refuses an empty argv), "-o" and one comma-separated option list, e.g.
    /// "ro,default_permissions,fsname=bupfs,subtype=bupfs,auto_unmount". A <paramref name="writable"/>
    /// mount always gets default_permissions: the write contract leaves permission checks to the
    /// host, and with it the kernel checks mode/uid/gid before any write reaches us.
    /// </summary>
    public static List<string> Build(FuseMountOptions options, bool writable = false)
    {
        CheckName(options.FsName, nameof(options.FsName));
        CheckName(options.Subtype, nameof(options.Subtype));
        var list = new List<string>();
        if (options.ReadOnly)
        {
            list.Add("ro");
        }

        if (options.DefaultPermissions || writable)
        {
            list.Add("default_permissions");
        }

        list.Add("fsname=" + options.FsName);
        list.Add("subtype=" + options.Subtype);
        if (options.AutoUnmount)
        {
            list.Add("auto_unmount");
        }

        if (options.AllowOther)
        {
            list.Add("allow_other");
        }

        list.AddRange(options.ExtraOptions.Where(option => !string.IsNullOrWhiteSpace(option)));
        return ["bupfs", "-o", string.Join(',', list)];
    }

    private static void CheckName(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny(",\\ \t\n") >= 0)
        {
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "{0} must be non-empty without commas, backslashes or blanks: \"{1}\"", name, value),
                "options");
        }
    }
}
