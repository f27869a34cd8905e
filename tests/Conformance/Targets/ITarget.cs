using Conformance.Model;

namespace Conformance.Targets;

/// <summary>One driver's pair of filesystems: a writable staging tree and a read-only repository view holding <see cref="SavedTree"/>.</summary>
public interface ITarget
{
    /// <summary>The expectations of this driver's host.</summary>
    Expectations Expect { get; }

    /// <summary>The staging tree, started from the save's branch (so it holds <see cref="SavedTree"/> at first).</summary>
    IFsUnderTest Writable { get; }

    /// <summary>The read-only view of the repository.</summary>
    IFsUnderTest ReadOnly { get; }
}
