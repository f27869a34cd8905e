using System.Globalization;
using System.IO.MemoryMappedFiles;
using Mono.Unix.Native;

namespace Mount.Tests.Support;

/// <summary>
/// A random-operation file tester in the manner of fsx (Apple's and the Linux Test Project's file
/// system exerciser): several files in one folder get thousands of seeded operations — pwrite at
/// random offsets, appends, truncates up and down, open(O_TRUNC), preads (through the run's
/// handle and through fresh read-only ones), writes and reads through shared memory mappings,
/// renames, fsyncs, close and reopen — while an in-memory model of each file
/// changes the same way. Every read and every size is checked against the model; the first
/// mismatch throws with the last operations, so a failure can be replayed from its seed.
/// </summary>
internal sealed class FsxRun
{
    private const int MaxLength = 1 << 20;
    private const int MaxWrite = 64 * 1024;
    private readonly string _folder;
    private readonly Random _random;
    private readonly List<FsxFile> _files = [];
    private readonly Queue<string> _recent = new();
    private int _renames;

    public FsxRun(string folder, int fileCount, int seed)
    {
        _folder = folder;
        _random = new Random(seed);
        for (int i = 0; i < fileCount; i++)
        {
            _files.Add(new FsxFile($"f{i}"));
            File.WriteAllBytes(PathOf(_files[i]), []);
        }
    }

    /// <summary>The files, with their current names and expected content.</summary>
    public IReadOnlyList<FsxFile> Files => _files;

    /// <summary>Operations done so far, over all calls of <see cref="Run"/>.</summary>
    public int Done { get; private set; }

    /// <summary>Environment variable overriding <paramref name="fallback"/> (for long runs by hand).</summary>
    public static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    /// <summary>Does <paramref name="count"/> random operations, then closes every file and checks each whole.</summary>
    public void Run(int count)
    {
        for (int i = 0; i < count; i++)
        {
            FsxFile file = _files[_random.Next(_files.Count)];
            Step(file, _random.Next(100));
            CheckSize(file);
            Done++;
        }

        foreach (FsxFile file in _files)
        {
            Close(file);
            CheckWhole(file);
        }
    }

    private void Step(FsxFile file, int dice)
    {
        switch (dice)
        {
            case < 25: Write(file, RandomOffset(file)); break;
            case < 35: Write(file, file.Length); break;
            case < 43: Truncate(file); break;
            case < 45: ReopenTruncated(file); break;
            case < 70: Read(file); break;
            case < 77: MapWrite(file); break;
            case < 82: MapRead(file); break;
            case < 86: Rename(file); break;
            case < 90: Fsync(file); break;
            case < 95: Close(file); break;
            case < 97: ReadFresh(file); break;
            default: CheckWhole(file); break;
        }
    }

    private long RandomOffset(FsxFile file) => _random.Next(Math.Min(MaxLength - MaxWrite, file.Length + (MaxWrite * 2)));

    private void Write(FsxFile file, long offset)
    {
        var data = new byte[_random.Next(1, MaxWrite)];
        _random.NextBytes(data);
        if (offset + data.Length > MaxLength)
        {
            return;
        }

        Log($"pwrite {file.Name} @{offset} +{data.Length}");
        RandomAccess.Write(Open(file), data, offset);
        file.Write(offset, data);
    }

    private void Truncate(FsxFile file)
    {
        int length = _random.Next(2) == 0 ? _random.Next(file.Length + 1) : Math.Min(MaxLength, file.Length + _random.Next(MaxWrite * 4));
        Log($"ftruncate {file.Name} {file.Length} -> {length}");
        Check(Syscall.ftruncate(Descriptor(file), length) == 0, $"ftruncate failed: {Stdlib.GetLastError()}");
        file.SetLength(length);
    }

    private void Read(FsxFile file)
    {
        long offset = _random.Next(file.Length + 100);
        var buffer = new byte[_random.Next(1, MaxWrite * 2)];
        Log($"pread {file.Name} @{offset} +{buffer.Length}");
        int got = ReadFully(Open(file), buffer, offset);
        int expected = (int)Math.Clamp(file.Length - offset, 0, buffer.Length);
        Check(got == expected, $"pread returned {got} bytes, the model has {expected}");
        Same(file, buffer.AsSpan(0, got), offset);
    }

    // open(O_TRUNC) while the run's own handle may still be open on the file.
    private void ReopenTruncated(FsxFile file)
    {
        Log($"open O_TRUNC {file.Name} ({file.Length} bytes, {(file.Handle is null ? "closed" : "open")})");
        File.OpenHandle(PathOf(file), FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite).Dispose();
        file.SetLength(0);
    }

    // A read through a handle of its own, opened read-only: after a commit, and while the run's
    // handle is closed, that reads the repository's copy rather than a spool file.
    private void ReadFresh(FsxFile file)
    {
        long offset = _random.Next(file.Length + 1);
        var buffer = new byte[_random.Next(1, MaxWrite * 2)];
        Log($"open O_RDONLY + pread {file.Name} @{offset} +{buffer.Length}");
        using var handle = File.OpenHandle(PathOf(file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int got = ReadFully(handle, buffer, offset);
        Check(got == (int)Math.Clamp(file.Length - offset, 0, buffer.Length), $"pread returned {got} bytes, the model has {file.Length - offset}");
        Same(file, buffer.AsSpan(0, got), offset);
    }

    private void MapWrite(FsxFile file)
    {
        if (file.Length == 0)
        {
            return;
        }

        (long offset, int length) = RandomRange(file);
        var data = new byte[length];
        _random.NextBytes(data);
        Log($"mmap write {file.Name} @{offset} +{length}");
        using (MemoryMappedFile map = Map(file, MemoryMappedFileAccess.ReadWrite))
        using (MemoryMappedViewAccessor view = map.CreateViewAccessor(offset, length, MemoryMappedFileAccess.ReadWrite))
        {
            view.WriteArray(0, data, 0, length);
            view.Flush(); // msync: the pages reach the mount as WRITEs now, not at some later writeback
        }

        file.Write(offset, data);
    }

    private void MapRead(FsxFile file)
    {
        if (file.Length == 0)
        {
            return;
        }

        (long offset, int length) = RandomRange(file);
        var data = new byte[length];
        Log($"mmap read {file.Name} @{offset} +{length}");
        using (MemoryMappedFile map = Map(file, MemoryMappedFileAccess.Read))
        using (MemoryMappedViewAccessor view = map.CreateViewAccessor(offset, length, MemoryMappedFileAccess.Read))
        {
            view.ReadArray(0, data, 0, length);
        }

        Same(file, data, offset);
    }

    private (long Offset, int Length) RandomRange(FsxFile file)
    {
        long offset = _random.Next(file.Length);
        return (offset, (int)Math.Min(file.Length - offset, _random.Next(1, MaxWrite)));
    }

    // The mapping is made from a path, as a program would: its own open, mmap(MAP_SHARED), close.
    private MemoryMappedFile Map(FsxFile file, MemoryMappedFileAccess access)
    {
        FileAccess fileAccess = access == MemoryMappedFileAccess.Read ? FileAccess.Read : FileAccess.ReadWrite;
        var stream = new FileStream(PathOf(file), FileMode.Open, fileAccess, FileShare.ReadWrite);
        return MemoryMappedFile.CreateFromFile(stream, null, 0, access, HandleInheritability.None, leaveOpen: false);
    }

    private void Rename(FsxFile file)
    {
        string name = $"r{++_renames}-{file.Name.Split('-')[^1]}";
        Log($"rename {file.Name} -> {name} ({(file.Handle is null ? "closed" : "open")})");
        File.Move(PathOf(file), Path.Join(_folder, name));
        file.Name = name;
    }

    private void Fsync(FsxFile file)
    {
        Log($"fsync {file.Name}");
        Check(Syscall.fsync(Descriptor(file)) == 0, $"fsync failed: {Stdlib.GetLastError()}");
    }

    private void Close(FsxFile file)
    {
        if (file.Handle is { } handle)
        {
            Log($"close {file.Name}");
            handle.Dispose();
            file.Handle = null;
        }
    }

    // After every operation: fstat of the open handle (else stat of the name) gives the model's size.
    private void CheckSize(FsxFile file)
    {
        Stat stat;
        int result = file.Handle is { } handle ? Syscall.fstat((int)handle.DangerousGetHandle(), out stat) : Syscall.stat(PathOf(file), out stat);
        Check(result == 0, $"stat failed: {Stdlib.GetLastError()}");
        Check(stat.st_size == file.Length, $"{file.Name}: size {stat.st_size}, the model has {file.Length}");
    }

    private void CheckWhole(FsxFile file)
    {
        Log($"check {file.Name} ({file.Length} bytes)");
        Check(new FileInfo(PathOf(file)).Length == file.Length, $"stat size {new FileInfo(PathOf(file)).Length}, the model has {file.Length}");
        Same(file, File.ReadAllBytes(PathOf(file)), 0);
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle Open(FsxFile file)
    {
        if (file.Handle is null)
        {
            Log($"open {file.Name}");
            file.Handle = File.OpenHandle(PathOf(file), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        return file.Handle;
    }

    private int Descriptor(FsxFile file) => (int)Open(file).DangerousGetHandle();

    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = RandomAccess.Read(handle, buffer.AsSpan(total), offset + total);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }

    private void Same(FsxFile file, ReadOnlySpan<byte> actual, long offset)
    {
        if (actual.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<byte> expected = file.Content.Slice((int)offset, actual.Length);
        int at = expected.CommonPrefixLength(actual);
        Check(at == actual.Length, $"{file.Name}: byte {offset + at} differs from the model (got {(at < actual.Length ? actual[at] : 0)}, want {(at < expected.Length ? expected[at] : 0)})");
    }

    public string PathOf(FsxFile file) => Path.Join(_folder, file.Name);

    private void Log(string operation)
    {
        _recent.Enqueue($"#{Done} {operation}");
        if (_recent.Count > 30)
        {
            _recent.Dequeue();
        }
    }

    private void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"fsx op #{Done}: {message}; last operations:\n{string.Join('\n', _recent)}");
        }
    }
}
