using Conformance.Cases;
using Conformance.Targets;

namespace Conformance;

/// <summary>
/// Runs one named case on one target: in a fresh directory named after the case on the staging
/// tree, or at the save's root on the read-only view. A case its host lists as a known failure is
/// skipped with the reason when it fails, and fails when it passes (so the list never goes stale).
/// </summary>
internal static class CaseRunner
{
    public static void Run(ITarget target, string name)
    {
        ConformanceCase conformanceCase = ConformanceCases.Named(name);
        CaseContext context = conformanceCase.OnReadOnlyView ? ReadOnlyContext(target) : WritableContext(target, name);
        if (!target.Expect.KnownFailures.TryGetValue(name, out string? reason))
        {
            conformanceCase.Run(context);
            return;
        }

        try
        {
            conformanceCase.Run(context);
        }
        catch (Exception e) when (e is Xunit.Sdk.IAssertionException or BupFs.FsException)
        {
            Assert.Skip($"known failure on {target.Expect.Driver}: {reason} ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})");
        }

        Assert.Fail($"'{name}' is listed as a known failure on {target.Expect.Driver} ({reason}) but passes: remove it from the expectations");
    }

    private static CaseContext WritableContext(ITarget target, string name)
    {
        target.Writable.MakeDirectory(name);
        return new CaseContext(target.Writable, name, target.Expect);
    }

    private static CaseContext ReadOnlyContext(ITarget target)
    {
        string save = target.ReadOnly.ReadDirectory(SavedTree.Branch).Single(n => n != "latest");
        return new CaseContext(target.ReadOnly, SavedTree.Branch + "/" + save, target.Expect);
    }
}
