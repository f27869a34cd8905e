// Maps the 64-bit fh numbers FUSE carries to managed per-open objects.
//
// Concurrency: Add and Remove take a lock; Get is lock-free (it runs on every read). The
// kernel never uses an fh after its release, so a Get racing with the Remove of the same
// handle cannot happen for valid requests; a grown slot array is published only after the
// old slots were copied, so a Get on a live handle always finds it.
namespace BupFs.Linux;

/// <summary>
/// A table of open handles: numbers start at 1 (0 is never handed out), freed numbers are
/// reused through a free list so the table stays as small as the peak number of open handles.
/// </summary>
internal sealed class HandleTable<T>
    where T : class
{
    private readonly Lock _gate = new();
    private readonly Stack<int> _free = new();
    private T?[] _slots = new T?[16];
    private int _used;
    private int _count;

    /// <summary>Number of handles currently open.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Stores <paramref name="item"/> and returns its handle number (never 0).</summary>
    public ulong Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            int index = _free.Count > 0 ? _free.Pop() : _used++;
            if (index >= _slots.Length)
            {
                var grown = new T?[_slots.Length * 2];
                Array.Copy(_slots, grown, _slots.Length);
                Volatile.Write(ref _slots, grown);
            }

            Volatile.Write(ref _slots[index], item);
            _count++;
            return (ulong)index + 1;
        }
    }

    /// <summary>The object behind <paramref name="handle"/>.</summary>
    /// <exception cref="FsException">BadHandle when the number is not open.</exception>
    public T Get(ulong handle)
    {
        T?[] slots = Volatile.Read(ref _slots);
        ulong index = handle - 1;
        T? item = index < (ulong)slots.Length ? Volatile.Read(ref slots[index]) : null;
        return item ?? throw new FsException(FsError.BadHandle, $"handle {handle} is not open");
    }

    /// <summary>Removes <paramref name="handle"/> and returns what it held.</summary>
    /// <exception cref="FsException">BadHandle when the number is not open.</exception>
    public T Remove(ulong handle)
    {
        lock (_gate)
        {
            T item = Get(handle);
            int index = (int)(handle - 1);
            _slots[index] = null;
            _free.Push(index);
            _count--;
            return item;
        }
    }

    /// <summary>Removes and returns every open handle (for teardown after the kernel is gone).</summary>
    public List<T> RemoveAll()
    {
        lock (_gate)
        {
            var items = new List<T>(_count);
            for (int i = 0; i < _used; i++)
            {
                if (_slots[i] is { } item)
                {
                    items.Add(item);
                    _slots[i] = null;
                    _free.Push(i);
                }
            }

            _count = 0;
            return items;
        }
    }
}
