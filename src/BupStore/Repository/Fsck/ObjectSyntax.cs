using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>git fsck --strict's syntax check of one commit, tree or tag, reported in git's words.</summary>
internal static class ObjectSyntax
{
    public static void Check(ObjectId id, GitObject obj, FsckReport report)
    {
        switch (obj.Type)
        {
            case ObjectType.Commit when StrictCommit.Check(obj.Data) is { } bad:
                report.Add(FsckProblemKind.BadCommit, $"commit {id}: {bad}", id);
                break;
            case ObjectType.Tree:
                foreach (var problem in StrictTree.Check(obj.Data))
                {
                    report.Add(FsckProblemKind.BadTree, $"tree {id}: {problem}", id);
                }

                break;
            case ObjectType.Tag when StrictTag.Parse(obj.Data, out var tagProblem) is null:
                report.Add(FsckProblemKind.BadTag, $"tag {id}: {tagProblem}", id);
                break;
        }
    }
}
