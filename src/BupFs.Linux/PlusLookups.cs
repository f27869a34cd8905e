// Readdirplus bookkeeping (docs/fuse-interop.md, "Lookup counts and forget"): the kernel adds one
// lookup reference for every readdirplus entry with a nonzero node id, exactly as for a LOOKUP
// reply, and later returns it with FORGET. The filesystem must count those references too, or
// it may drop a node the kernel still addresses (IFileSystem: hosts call Lookup per plus entry).
namespace BupFs.Linux;

/// <summary>
/// The lookup references taken for the entries of one readdirplus reply, so that they can be
/// handed back when the reply never reaches the kernel.
/// </summary>
/// <remarks>Used by one request at a time; not thread-safe.</remarks>
internal sealed class PlusLookups(IFileSystem fs)
{
    private readonly List<ulong> _taken = [];

    /// <summary>The node ids referenced so far, once per entry.</summary>
    public IReadOnlyList<ulong> Taken => _taken;

    /// <summary>
    /// Looks <paramref name="name"/> up in <paramref name="parent"/>, which counts one reference,
    /// and returns its attributes. False when the lookup fails with a filesystem error: the entry
    /// then goes out without a node id (the kernel treats it as a plain readdir entry, and its own
    /// lookup reports the error later).
    /// </summary>
    public bool TryTake(ulong parent, ReadOnlySpan<byte> name, out NodeAttributes attributes)
    {
        try
        {
            attributes = fs.Lookup(parent, name);
        }
        catch (FsException)
        {
            attributes = default;
            return false;
        }

        if (attributes.Inode == 0)
        {
            return false; // node id 0 means "no entry" to the kernel: nothing to count
        }

        _taken.Add(attributes.Inode);
        return true;
    }

    /// <summary>Returns every reference taken (the reply failed or was interrupted). Never throws.</summary>
    public void ReturnAll(RequestLog log)
    {
        foreach (ulong node in _taken)
        {
            try
            {
                fs.Forget(node, 1);
            }
            catch (Exception e)
            {
                log.Unexpected("forget", node, e);
            }
        }

        _taken.Clear();
    }
}
