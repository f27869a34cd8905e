using System.Text;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// Git commit bodies (docs/formats/objects.md, "Commits"): "tree", "parent"*, "author", "committer" header
/// lines, other headers (encoding, gpgsig with continuation lines) tolerated and skipped, a blank
/// line, then the message. Matches bup's git.parse_commit / create_commit_blob.
/// </summary>
public static class CommitCodec
{
    /// <summary>Parses a commit body. <paramref name="where"/> names the object in errors.</summary>
    public static Commit Parse(ReadOnlySpan<byte> body, string where)
    {
        ObjectId? tree = null;
        var parents = new List<ObjectId>();
        Signature? author = null;
        Signature? committer = null;
        var pos = 0;
        while (true)
        {
            var nl = body[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                throw new CorruptObjectException(where, "commit header not terminated", pos);
            }

            var line = body.Slice(pos, nl);
            var lineStart = pos;
            pos += nl + 1;
            if (line.IsEmpty)
            {
                break;
            }

            ParseHeader(line, where, lineStart, ref tree, parents, ref author, ref committer);
        }

        if (tree is null || author is null || committer is null)
        {
            throw new CorruptObjectException(where, "commit lacks a tree, author or committer");
        }

        return new Commit(tree.Value, parents, author, committer, body[pos..].ToArray());
    }

    private static void ParseHeader(
        ReadOnlySpan<byte> line, string where, int offset, ref ObjectId? tree, List<ObjectId> parents, ref Signature? author, ref Signature? committer)
    {
        if (line.StartsWith("tree "u8))
        {
            tree = ParseId(line[5..], where, offset);
        }
        else if (line.StartsWith("parent "u8))
        {
            parents.Add(ParseId(line[7..], where, offset));
        }
        else if (line.StartsWith("author "u8))
        {
            author = Signature.TryParse(line[7..]) ?? throw new CorruptObjectException(where, "malformed author line", offset);
        }
        else if (line.StartsWith("committer "u8))
        {
            committer = Signature.TryParse(line[10..]) ?? throw new CorruptObjectException(where, "malformed committer line", offset);
        }

        // Any other header (encoding, mergetag, gpgsig and its " "-prefixed continuation lines) carries
        // nothing bup uses.
    }

    private static ObjectId ParseId(ReadOnlySpan<byte> hex, string where, int offset) =>
        ObjectId.TryParse(hex, out var id) ? id : throw new CorruptObjectException(where, "malformed object id in commit header", offset);

    /// <summary>Encodes a commit exactly as bup does: no extra headers, message verbatim.</summary>
    public static byte[] Format(Commit commit)
    {
        using var ms = new MemoryStream();
        void Line(string key, ReadOnlySpan<byte> value)
        {
            ms.Write(Encoding.ASCII.GetBytes(key + " "));
            ms.Write(value);
            ms.WriteByte((byte)'\n');
        }

        Line("tree", Encoding.ASCII.GetBytes(commit.Tree.ToString()));
        foreach (var p in commit.Parents)
        {
            Line("parent", Encoding.ASCII.GetBytes(p.ToString()));
        }

        Line("author", commit.Author.Format());
        Line("committer", commit.Committer.Format());
        ms.WriteByte((byte)'\n');
        ms.Write(commit.Message);
        return ms.ToArray();
    }
}
