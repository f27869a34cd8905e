namespace BupStore.Fuzz;

/// <summary>
/// Feeds one input to a parser. The contract every target is held to: return, or throw
/// <see cref="BupStore.Formats.CorruptObjectException"/>; any other exception, a hang or a crash is a bug.
/// </summary>
/// <param name="input">Untrusted repository bytes (a whole file or object body).</param>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);
