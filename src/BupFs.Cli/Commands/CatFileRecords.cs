using System.Text;
using System.Text.RegularExpressions;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bup cat-file's --meta and --bupm (bup 0.33 cmd/cat_file.py): the metadata record of one entry of
/// the repository view, encoded as bup encodes it, or a directory's .bupm as stored. The target is
/// resolved without following a final symlink, as bup does.
/// </summary>
internal static partial class CatFileRecords
{
    /// <summary>Writes the record or the .bupm of <paramref name="target"/> (raw argument bytes) to <paramref name="output"/>.</summary>
    public static int Write(Repository repo, byte[] target, bool bupm, Stream output)
    {
        var shown = NameText.Display(target);
        RequireBranchAndRevision(target, shown);
        using var fs = new RepoFileSystem(repo);
        var node = Resolve(fs, target, shown);
        if (bupm)
        {
            WriteBupm(repo, fs, node, shown, output);
        }
        else
        {
            WriteMeta(fs, node, shown, output);
        }

        return 0;
    }

    /// <summary>
    /// bup's check on every cat-file target, anchored at the start: a branch and a revision,
    /// optionally after slashes ("/t//latest/f" fails it: usage error, as in bup).
    /// </summary>
    public static void RequireBranchAndRevision(byte[] target, string shown)
    {
        if (!IsViewPath(target))
        {
            throw new CliException($"path '{shown}' doesn't include a branch and revision", CliException.UsageExit);
        }
    }

    /// <summary>Whether <paramref name="target"/> passes <see cref="RequireBranchAndRevision"/>.</summary>
    public static bool IsViewPath(byte[] target) => BranchAndRevision().IsMatch(Encoding.Latin1.GetString(target));

    /// <summary>Resolves a view path (relative ones from the root) without following a final symlink; exit 1 when it does not resolve.</summary>
    public static NodeAttributes Resolve(RepoFileSystem fs, byte[] target, string shown)
    {
        // Relative paths start at the root, as in bup's vfs.resolve.
        byte[] absolute = target.Length > 0 && target[0] == (byte)'/' ? target : [(byte)'/', .. target];
        try
        {
            return fs.Resolve(absolute, followFinalSymlink: false);
        }
        catch (FsException e) when (e.Error is FsError.NotFound or FsError.NotDirectory or FsError.Loop)
        {
            throw new CliException($"cannot access '{shown}': {e.Message}");
        }
    }

    // vfs.augment_item_meta(include_size=True): a record without a size gets the computed one,
    // the content's length for files and symlinks and 0 for anything else.
    private static void WriteMeta(RepoFileSystem fs, NodeAttributes node, string shown, Stream output)
    {
        var meta = fs.GetMetadata(node.Inode) ?? throw new CliException($"'{shown}' has no metadata record");
        meta.Size ??= meta.FileType is PosixFileType.Regular or PosixFileType.Symlink ? node.Size : 0;
        output.Write(meta.Encode());
    }

    // vfs.tree_data_and_bupm and tree_data_reader: the .bupm's content, joined if it was split;
    // nothing for a tree without one.
    private static void WriteBupm(Repository repo, RepoFileSystem fs, NodeAttributes node, string shown, Stream output)
    {
        if (node.Kind != NodeKind.Directory)
        {
            throw new CliException($"'{shown}' is not a directory", CliException.UsageExit);
        }

        if (fs.GetObjectId(node.Inode) is not { } tree)
        {
            return;
        }

        var entries = repo.Objects.ReadTree(tree);
        var index = BupmReader.IndexOfBupm(entries);
        if (index < 0)
        {
            return;
        }

        var entry = entries[index];
        if (!entry.IsTree)
        {
            output.Write(repo.Objects.Read(entry.Id, ObjectType.Blob));
            return;
        }

        var reader = new ChunkedFileReader(new StoreChunkSource(repo.Objects), GitFileMode.Tree, entry.Id);
        var buffer = new byte[1 << 16];
        for (long offset = 0, read; (read = reader.Read(offset, buffer)) > 0; offset += read)
        {
            output.Write(buffer, 0, (int)read);
        }
    }

    [GeneratedRegex("^/*[^/]+/[^/]+")]
    private static partial Regex BranchAndRevision();
}
