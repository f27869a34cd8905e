using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// One object of a pack as recorded in its idx: the object id, the offset of the object's header
/// byte in the pack, and the CRC-32 (zlib polynomial) of the object's raw bytes in the pack
/// (header + compressed data).
/// </summary>
public readonly record struct PackIndexEntry(ObjectId Id, long Offset, uint Crc32);
