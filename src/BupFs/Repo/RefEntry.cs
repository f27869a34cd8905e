using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>One ref: its name below refs/heads/ or refs/tags/ (may contain '/') and its object.</summary>
/// <param name="Name">The name without the namespace prefix, as bytes.</param>
/// <param name="Id">The object the ref points at.</param>
internal readonly record struct RefEntry(byte[] Name, ObjectId Id);
