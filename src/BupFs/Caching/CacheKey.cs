using BupStore.Objects;

namespace BupFs.Caching;

/// <summary>The key of one cached value: what it is and the object it was derived from.</summary>
/// <param name="Kind">The kind of value.</param>
/// <param name="Id">The object (blob, tree, commit, branch tip or save) it derives from.</param>
internal readonly record struct CacheKey(CacheKind Kind, ObjectId Id);
