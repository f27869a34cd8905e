namespace BupStore.Repository;

/// <summary>Ref and branch name rules: git's check-ref-format plus bup's extra checks (docs/formats/objects.md, "Parents, refs and branch names").</summary>
public static class RefNames
{
    /// <summary>True for a full ref name such as "refs/heads/x" that git and bup accept.</summary>
    public static bool IsValidRefName(string name) =>
        name.StartsWith("refs/", StringComparison.Ordinal) && IsValidBranchName(name[5..]);

    /// <summary>True for a branch (save) name bup accepts, e.g. "home" or "host/home".</summary>
    public static bool IsValidBranchName(string name)
    {
        if (name.Length == 0 || name == "@" || name.StartsWith('/') || name.EndsWith('/') || name.EndsWith('.'))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < 0x20 || c == 0x7F || "[ ~^:?*\\".Contains(c))
            {
                return false;
            }
        }

        return name.Split('/').All(part => !part.StartsWith('.') && !part.EndsWith(".lock", StringComparison.Ordinal));
    }
}
