namespace BupFs.Caching;

/// <summary>
/// The few most recently used values that are too large for the <see cref="ObjectCache"/>'s bound,
/// held strongly outside it. Memory.Caching refuses an entry larger than its whole size limit, so
/// without this such a value (the listing of a directory of some 40,000 entries or more at the
/// default 16 MiB) was decoded again on every use: every lookup in a large directory re-read the
/// whole directory, and a listing through the mount or a restore of it became quadratic.
/// </summary>
/// <remarks>Thread-safe; a linear scan, since the capacity is a handful of slots.</remarks>
internal sealed class LargeValueSlots(int capacity)
{
    private readonly LinkedList<KeyValuePair<CacheKey, object>> _items = new();

    /// <summary>The value held for <paramref name="key"/>, which becomes the most recently used; null if none.</summary>
    public object? Get(CacheKey key)
    {
        lock (_items)
        {
            for (var item = _items.First; item is not null; item = item.Next)
            {
                if (item.Value.Key.Equals(key))
                {
                    _items.Remove(item);
                    _items.AddFirst(item);
                    return item.Value.Value;
                }
            }

            return null;
        }
    }

    /// <summary>Holds <paramref name="value"/> as the most recently used, letting go of the least recently used beyond the capacity.</summary>
    public void Add(CacheKey key, object value)
    {
        lock (_items)
        {
            for (var item = _items.First; item is not null; item = item.Next)
            {
                if (item.Value.Key.Equals(key))
                {
                    _items.Remove(item);
                    break;
                }
            }

            _items.AddFirst(new KeyValuePair<CacheKey, object>(key, value));
            while (_items.Count > capacity)
            {
                _items.RemoveLast();
            }
        }
    }

    /// <summary>Lets go of every value.</summary>
    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }
}
