using System.Diagnostics;
using System.Text;

namespace TestSupport;

/// <summary>git plumbing on a bare repository (a bup repository is one), for tests that build objects by hand.</summary>
public sealed class GitPlumbing(string gitDir)
{
    /// <summary>The repository (BUP_DIR).</summary>
    public string GitDir { get; } = gitDir;

    /// <summary>Runs git with <paramref name="input"/> on stdin; returns stdout trimmed, throws on failure.</summary>
    public string Run(byte[]? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--git-dir", GitDir, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("cannot start git");
        var stdout = git.StandardOutput.ReadToEndAsync();
        var stderr = git.StandardError.ReadToEndAsync();
        git.StandardInput.BaseStream.Write(input ?? []);
        git.StandardInput.Close();
        git.WaitForExit();
        return git.ExitCode == 0
            ? stdout.Result.Trim()
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({git.ExitCode}): {stderr.Result}");
    }

    /// <summary>Writes a blob; returns its id.</summary>
    public string Blob(byte[] content) => Run(content, "hash-object", "-w", "--stdin");

    /// <summary>
    /// Writes a tree of (mode, name, id) entries exactly as given, sorted as git sorts them but
    /// otherwise unchecked (git mktree would refuse a mode that disagrees with the object's type);
    /// returns its id.
    /// </summary>
    public string Tree(params (string Mode, string Name, string Id)[] entries)
    {
        var body = new MemoryStream();
        foreach (var (mode, name, id) in entries.OrderBy(e => e.Mode.TrimStart('0') == "40000" ? e.Name + "/" : e.Name, StringComparer.Ordinal))
        {
            body.Write(Encoding.UTF8.GetBytes($"{mode.TrimStart('0')} {name}\0"));
            body.Write(Convert.FromHexString(id));
        }

        return Run(body.ToArray(), "hash-object", "-t", "tree", "-w", "--stdin", "--literally");
    }

    /// <summary>
    /// Makes <paramref name="branch"/>'s tip a new commit whose root tree is the old one with entry
    /// <paramref name="name"/> pointing at <paramref name="id"/> instead (same mode).
    /// </summary>
    public void ReplaceRootEntry(string branch, string name, string id)
    {
        var entries = Run(null, "ls-tree", branch + "^{tree}").Split('\n')
            .Select(line => line.Split('\t'))
            .Select(parts => (Head: parts[0].Split(' '), Name: parts[1]))
            .Select(e => (e.Head[0], e.Name, e.Name == name ? id : e.Head[2]))
            .ToArray();
        if (!entries.Any(e => e.Item2 == name))
        {
            throw new InvalidOperationException($"{name} is not in {branch}'s root tree");
        }

        var tree = Tree(entries);
        var commit = Run(Encoding.UTF8.GetBytes("forged\n"), "commit-tree", tree, "-p", branch);
        Run(null, "update-ref", "refs/heads/" + branch, commit);
    }
}
