using System.Text;

namespace BupFs.Linux.Tests;

/// <summary>
/// A small in-memory <see cref="IFileSystem"/> for mount tests. The root is mutable (like the
/// refs view); everything else is immutable unless stated. It counts the calls it gets so tests
/// can see what the kernel cached. Thread-safe: one lock around the tree, counters interlocked.
/// </summary>
internal sealed class TestFileSystem : IFileSystem, IDisposable
{
    public const long BigSize = (48L << 20) + 12345;
    public static readonly byte[] HelloData = "Hello, FUSE!\n"u8.ToArray();
    public static readonly byte[] NonUtf8Name = [.. "latin1-"u8, 0xE9, 0xFF, .. ".bin"u8];
    public const string UnicodeName = "ünïcødé-名前.txt";

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, TestNode> _nodes = [];
    private readonly Dictionary<ulong, long> _references = [];
    private ulong _nextId = 100;
    private int _lookups, _opens, _releases, _reads, _listings, _disposeCount;
    private long _forgets;
    private int _largestRead;
    private int _readsNow, _mostReadsAtOnce;

    private TestFileSystem()
    {
        RootDirectory = Add(new TestNode { Id = 1, Kind = NodeKind.Directory, Permissions = 0x1ED, Immutable = false, Uid = 0, Gid = 0 });
    }

    public TestNode RootDirectory { get; }

    public ulong RootNode => 1;

    /// <summary>Lookup calls, found or not.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    public int Opens => Volatile.Read(ref _opens);

    public int Releases => Volatile.Read(ref _releases);

    public int Reads => Volatile.Read(ref _reads);

    public int Listings => Volatile.Read(ref _listings);

    public long Forgets => Interlocked.Read(ref _forgets);

    /// <summary>Kernel references held on <paramref name="node"/>: successful lookups minus forgets (negative = over-forgotten).</summary>
    public long References(ulong node)
    {
        lock (_gate)
        {
            return _references.GetValueOrDefault(node);
        }
    }

    /// <summary>The largest buffer a Read was given, i.e. the largest read request the kernel sent.</summary>
    public int LargestRead => Volatile.Read(ref _largestRead);

    /// <summary>The most read calls that were in progress at the same moment.</summary>
    public int MostReadsAtOnce => Volatile.Read(ref _mostReadsAtOnce);

    /// <summary>How long each read of a generated file takes, to make overlapping requests visible.</summary>
    public TimeSpan ReadDelay { get; set; }

    public int DisposeCount => Volatile.Read(ref _disposeCount);

    /// <summary>The standard tree the mount tests look at.</summary>
    public static TestFileSystem CreateStandard()
    {
        var fs = new TestFileSystem();
        TestNode root = fs.RootDirectory;
        TestNode hello = fs.AddFile(root, "hello.txt", HelloData, permissions: 0x1A0); // 0640
        hello.ExtendedAttributes.Add(("user.comment"u8.ToArray(), "hello xattr"u8.ToArray()));
        hello.ExtendedAttributes.Add(("user.binary"u8.ToArray(), [0, 1, 2, 0xFF, 0]));
        hello.ExtendedAttributes.Add(("user.empty"u8.ToArray(), []));
        fs.AddChild(root, "mutable.txt"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.File, Immutable = false, Data = "version 1\n"u8.ToArray() });
        fs.AddChild(root, "big.bin"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.File, Permissions = 0x124, GeneratedSize = BigSize });
        fs.AddChild(root, "chunky.bin"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.File, GeneratedSize = 100_000, ReadLimit = 1000 });
        fs.AddChild(root, "broken.bin"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.File, GeneratedSize = 4096, FailRead = true });
        fs.AddChild(root, "broken-dir"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.Directory, Permissions = 0x1ED, FailList = true });
        fs.AddChild(root, "link"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.Symlink, Permissions = 0x1FF, Target = "hello.txt"u8.ToArray() });
        fs.AddChild(root, "dangling"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.Symlink, Permissions = 0x1FF, Target = "no/such/target"u8.ToArray() });
        fs.AddChild(root, "pipe"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.Fifo });
        fs.AddChild(root, "null-dev"u8, new TestNode { Id = fs.NextId(), Kind = NodeKind.CharDevice, RawDevice = 0x103 });
        fs.AddFile(root, UnicodeName, "unicode\n"u8.ToArray());
        fs.AddChild(root, NonUtf8Name, new TestNode { Id = fs.NextId(), Kind = NodeKind.File, Data = "bytes\n"u8.ToArray() });
        fs.AddFile(root, "bad/name", "never listed\n"u8.ToArray()); // a '/' the host must keep from the kernel
        TestNode dir = fs.AddDirectory(root, "dir");
        for (int i = 0; i < 300; i++)
        {
            fs.AddFile(dir, $"file-{i:D3}", Encoding.ASCII.GetBytes($"file {i}\n"));
        }

        fs.AddFile(fs.AddDirectory(dir, "sub"), "deep.txt", "deep\n"u8.ToArray());
        return fs;
    }

    public TestNode AddFile(TestNode parent, string name, byte[] data, uint permissions = 0x1A4, bool immutable = true) =>
        AddChild(parent, Encoding.UTF8.GetBytes(name), new TestNode { Id = NextId(), Kind = NodeKind.File, Data = data, Permissions = permissions, Immutable = immutable });

    public TestNode AddDirectory(TestNode parent, string name) =>
        AddChild(parent, Encoding.UTF8.GetBytes(name), new TestNode { Id = NextId(), Kind = NodeKind.Directory, Permissions = 0x1ED });

    /// <summary>The node at a '/'-separated path below the root.</summary>
    public TestNode Find(string path)
    {
        lock (_gate)
        {
            TestNode node = RootDirectory;
            foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                byte[] name = Encoding.UTF8.GetBytes(part);
                node = node.Children.First(child => child.Name.AsSpan().SequenceEqual(name)).Node;
            }

            return node;
        }
    }

    /// <summary>Replaces a file's content (only sensible for mutable nodes).</summary>
    public void SetData(TestNode node, byte[] data)
    {
        lock (_gate)
        {
            node.Data = data;
        }
    }

    public NodeAttributes Lookup(ulong parent, ReadOnlySpan<byte> name)
    {
        Interlocked.Increment(ref _lookups);
        lock (_gate)
        {
            TestNode directory = Directory(parent);
            foreach ((byte[] childName, TestNode child) in directory.Children)
            {
                if (childName.AsSpan().SequenceEqual(name))
                {
                    _references[child.Id] = _references.GetValueOrDefault(child.Id) + 1;
                    return child.Attributes;
                }
            }

            throw new FsException(FsError.NotFound);
        }
    }

    public void Forget(ulong node, ulong count)
    {
        Interlocked.Add(ref _forgets, (long)count);
        lock (_gate)
        {
            _references[node] = _references.GetValueOrDefault(node) - (long)count;
        }
    }

    public NodeAttributes GetAttributes(ulong node)
    {
        lock (_gate)
        {
            return Get(node).Attributes;
        }
    }

    public IReadOnlyList<DirectoryEntry> ReadDirectory(ulong node)
    {
        lock (_gate)
        {
            TestNode directory = Directory(node);
            if (directory.FailList)
            {
                throw new FsException(FsError.Io, $"tree object of node {node} is missing");
            }

            Interlocked.Increment(ref _listings);
            return directory.Children.Select(child => new DirectoryEntry(child.Name, child.Node.Attributes)).ToList();
        }
    }

    public IFileHandle Open(ulong node, OpenFlags flags)
    {
        TestNode file;
        lock (_gate)
        {
            file = Get(node);
        }

        if (file.Kind == NodeKind.Directory)
        {
            throw new FsException(FsError.IsDirectory);
        }

        if ((flags & ~OpenFlags.Read) != 0)
        {
            throw new FsException(FsError.ReadOnly);
        }

        Interlocked.Increment(ref _opens);
        return new TestHandle(file);
    }

    public int Read(IFileHandle handle, Span<byte> buffer, long offset)
    {
        int now = Interlocked.Increment(ref _readsNow);
        try
        {
            for (int most = MostReadsAtOnce; now > most; most = MostReadsAtOnce)
            {
                Interlocked.CompareExchange(ref _mostReadsAtOnce, now, most);
            }

            return ReadNow(handle, buffer, offset);
        }
        finally
        {
            Interlocked.Decrement(ref _readsNow);
        }
    }

    private int ReadNow(IFileHandle handle, Span<byte> buffer, long offset)
    {
        Interlocked.Increment(ref _reads);
        for (int seen = LargestRead; buffer.Length > seen; seen = LargestRead)
        {
            Interlocked.CompareExchange(ref _largestRead, buffer.Length, seen);
        }

        TestNode file = ((TestHandle)handle).File;
        if (file.FailRead)
        {
            throw new InvalidDataException($"corrupt object 0123456789abcdef0123456789abcdef01234567 (node {file.Id})");
        }

        byte[]? data;
        lock (_gate)
        {
            data = file.Data;
        }

        long size = data?.Length ?? file.GeneratedSize;
        int count = (int)Math.Clamp(size - offset, 0, file.ReadLimit > 0 ? Math.Min(file.ReadLimit, buffer.Length) : buffer.Length);
        if (count == 0)
        {
            return 0;
        }

        if (data is not null)
        {
            data.AsSpan((int)offset, count).CopyTo(buffer);
        }
        else
        {
            TestContent.Fill(offset, buffer[..count]);
            Thread.Sleep(ReadDelay);
        }

        return count;
    }

    public void Release(IFileHandle handle) => Interlocked.Increment(ref _releases);

    public byte[] ReadLink(ulong node)
    {
        lock (_gate)
        {
            return Get(node).Target ?? throw new FsException(FsError.InvalidArgument, "not a symlink");
        }
    }

    public IReadOnlyList<byte[]> ListExtendedAttributes(ulong node)
    {
        lock (_gate)
        {
            return Get(node).ExtendedAttributes.Select(attribute => attribute.Name).ToList();
        }
    }

    public byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            foreach ((byte[] attributeName, byte[] value) in Get(node).ExtendedAttributes)
            {
                if (attributeName.AsSpan().SequenceEqual(name))
                {
                    return value;
                }
            }

            throw new FsException(FsError.NoAttribute);
        }
    }

    public FsStatistics GetStatistics() => new()
    {
        BlockSize = 4096,
        TotalBlocks = 1000,
        FreeBlocks = 0,
        TotalNodes = (ulong)_nodes.Count,
        FreeNodes = 0,
        MaxNameLength = 255,
    };

    public void Dispose() => Interlocked.Increment(ref _disposeCount);

    private TestNode AddChild(TestNode parent, ReadOnlySpan<byte> name, TestNode child)
    {
        lock (_gate)
        {
            parent.Children.Add((name.ToArray(), Add(child)));
            return child;
        }
    }

    private TestNode Add(TestNode node)
    {
        lock (_gate)
        {
            _nodes.Add(node.Id, node);
            return node;
        }
    }

    private ulong NextId()
    {
        lock (_gate)
        {
            return _nextId++;
        }
    }

    private TestNode Get(ulong node) =>
        _nodes.TryGetValue(node, out TestNode? found) ? found : throw new FsException(FsError.NotFound, $"unknown node {node}");

    private TestNode Directory(ulong node)
    {
        TestNode found = Get(node);
        return found.Kind == NodeKind.Directory ? found : throw new FsException(FsError.NotDirectory);
    }

    private sealed class TestHandle(TestNode file) : IFileHandle
    {
        public TestNode File { get; } = file;

        public ulong Node => File.Id;

        public bool Immutable => File.Immutable;
    }
}
