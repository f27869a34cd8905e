namespace BupStore.Fuzz;

/// <summary>
/// The idx, midx, bloom and pack readers work on files (memory-mapped or read positionally), so
/// their targets write each input to a scratch file first: one folder per process, one file name
/// per thread and extension, overwritten by every input.
/// </summary>
internal static class ScratchFile
{
    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("bupstore-fuzz-").FullName);

    /// <summary>Writes <paramref name="input"/> to this thread's scratch file named like a pack file; returns its path.</summary>
    public static string Write(ReadOnlySpan<byte> input, string extension)
    {
        var path = Path.Combine(Folder.Value, $"pack-{Environment.CurrentManagedThreadId}{extension}");
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            file.Write(input);
        }

        return path;
    }

    /// <summary>Removes the scratch folder (at exit).</summary>
    public static void Delete()
    {
        if (Folder.IsValueCreated && Directory.Exists(Folder.Value))
        {
            Directory.Delete(Folder.Value, recursive: true);
        }
    }
}
