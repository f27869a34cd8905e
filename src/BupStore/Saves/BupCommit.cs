using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Saves;

/// <summary>
/// The commits bup split -n and bup save write (docs/formats/objects.md, "Commits"): one tree, at most one parent
/// (the branch's previous commit), author and committer both the current user on this host at the
/// same time in the local zone, and a message naming the command. Moving the branch to the commit
/// is the caller's (<see cref="RefStore.Update"/>, after the objects are durable).
/// </summary>
public static class BupCommit
{
    /// <summary>
    /// Writes the commit of <paramref name="tree"/> with <paramref name="parent"/> (zero for none),
    /// dated <paramref name="seconds"/> since the epoch (null: now), and returns its id.
    /// </summary>
    public static ObjectId Write(ObjectWriter writer, ObjectId tree, ObjectId parent, long? seconds, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.Write(ObjectType.Commit, Format(tree, parent, seconds, message));
    }

    /// <summary>As <see cref="Write(ObjectWriter, ObjectId, ObjectId, long?, byte[])"/>, appending under the shared writer's lock.</summary>
    public static ObjectId Write(ConcurrentObjectWriter writer, ObjectId tree, ObjectId parent, long? seconds, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.Write(ObjectType.Commit, Format(tree, parent, seconds, message));
    }

    private static byte[] Format(ObjectId tree, ObjectId parent, long? seconds, byte[] message)
    {
        var (name, email) = Identity.Current();
        var when = Signature.Now(name, email, seconds);
        var commit = new Commit(tree, parent.IsZero ? [] : [parent], when, when, message);
        return CommitCodec.Format(commit);
    }
}
