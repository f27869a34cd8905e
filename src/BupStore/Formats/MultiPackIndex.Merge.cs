using System.Buffers.Binary;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// The k-way merge of bup's C <c>merge_into</c>/<c>_fix_idx_order</c>. Its cursor order decides which
/// input a duplicate id is attributed to, so it is reproduced step by step rather than replaced by a
/// generic priority queue (docs/formats/midx-bloom.md, "Writing, byte-identical to bup").
/// </summary>
public sealed partial class MultiPackIndex
{
    /// <summary>
    /// Fills table, ids and which of a mapped midx. Cursors start sorted descending by first id (stable,
    /// like Python's <c>sort(reverse=True)</c>); the smallest, last one is emitted and re-inserted by
    /// bup's binary search. Throws <see cref="CorruptObjectException"/> naming an input whose ids are not
    /// sorted, so a midx we write is never silently wrong (docs/formats/midx-bloom.md, "Writing, byte-identical to bup").
    /// </summary>
    private static void Merge(MappedFile map, List<MergeInput> inputs, int bits, int total)
    {
        var cursors = inputs.Where(i => i.Count > 0).OrderByDescending(i => i.GetId(0)).ToArray();
        var idsOffset = Layout.TableOffset + (4L << bits);
        var whichOffset = idsOffset + ((long)total * ObjectId.Size);
        Span<byte> previous = stackalloc byte[ObjectId.Size];
        var last = cursors.Length - 1;
        var count = 0;
        long prefix = 0;
        while (last >= 0)
        {
            var cursor = cursors[last];
            var id = cursor.Current;
            if (count > 0 && id.SequenceCompareTo(previous) < 0)
            {
                throw new CorruptObjectException(cursor.Path, "ids are not sorted", -1);
            }

            for (var newPrefix = ExtractBits(id, bits); prefix < newPrefix; prefix++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(map.Write(Layout.TableOffset + (4 * prefix), 4), (uint)count);
            }

            id.CopyTo(map.Write(idsOffset + ((long)count * ObjectId.Size), ObjectId.Size));
            id.CopyTo(previous);
            BinaryPrimitives.WriteUInt32BigEndian(map.Write(whichOffset + (4L * count), 4), cursor.CurrentWhich);
            cursor.Position++;
            FixOrder(cursors, ref last);
            count++;
        }

        for (; prefix < 1L << bits; prefix++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(map.Write(Layout.TableOffset + (4 * prefix), 4), (uint)count);
        }
    }

    private static long ExtractBits(ReadOnlySpan<byte> id, int bits) =>
        bits == 0 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(id) >> (32 - bits);

    /// <summary>
    /// bup's <c>_fix_idx_order</c>: drop the advanced last cursor when exhausted, else binary-search its
    /// place among cursors[0..last-1] (descending) and move it there.
    /// </summary>
    private static void FixOrder(MergeInput?[] cursors, ref int last)
    {
        var cursor = cursors[last]!;
        if (cursor.Exhausted)
        {
            cursors[last] = null;
            last--;
            return;
        }

        if (last == 0)
        {
            return;
        }

        int low = last - 1, high = 0, mid = last, c = 0;
        while (low >= high)
        {
            mid = (low + high) / 2;
            c = cursor.Current.SequenceCompareTo(cursors[mid]!.Current);
            if (c < 0)
            {
                high = mid + 1;
            }
            else if (c > 0)
            {
                low = mid - 1;
            }
            else
            {
                break;
            }
        }

        if (c < 0)
        {
            mid++;
        }

        if (mid != last)
        {
            Array.Copy(cursors, mid, cursors, mid + 1, last - mid);
            cursors[mid] = cursor;
        }
    }

    /// <summary>One merge input (an idx or a midx) with its read position and name-list base.</summary>
    private sealed class MergeInput : IDisposable
    {
        private readonly PackIndex? _idx;
        private readonly MultiPackIndex? _midx;
        private readonly uint _nameBase;

        private MergeInput(string path, PackIndex? idx, MultiPackIndex? midx, int nameBase)
        {
            Path = path;
            _idx = idx;
            _midx = midx;
            _nameBase = (uint)nameBase;
            Count = idx?.Count ?? midx!.Count;
            Names = idx is not null ? [System.IO.Path.GetFileName(path)] : midx!.IdxNames;
        }

        public string Path { get; }

        public int Count { get; }

        public IReadOnlyList<string> Names { get; }

        public int Position { get; set; }

        public bool Exhausted => Position >= Count;

        public ReadOnlySpan<byte> Current => _idx is not null ? _idx.GetIdBytes(Position) : _midx!.GetIdBytes(Position);

        /// <summary>An idx input is one name; a midx input's which values are rebased.</summary>
        public uint CurrentWhich => _midx is null ? _nameBase : _nameBase + (uint)_midx.GetWhich(Position);

        public ObjectId GetId(int index) => _idx?.GetId(index) ?? _midx!.GetId(index);

        /// <summary>
        /// Opens an input as bup's <c>_do_midx</c> does: ".idx" is an idx, anything else a midx. Returns
        /// null for a midx bup would skip: another version, a missing idx (deleted when
        /// <paramref name="removeBroken"/>), or — only when <paramref name="removeBroken"/>, i.e. in
        /// maintenance runs — a damaged midx, which is only an accelerator and can be left out.
        /// </summary>
        public static MergeInput? Open(string path, int nameBase, bool removeBroken)
        {
            if (path.EndsWith(".idx", StringComparison.Ordinal))
            {
                return new MergeInput(path, PackIndex.Open(path), null, nameBase);
            }

            var midx = OpenMidx(path, removeBroken);
            if (midx is null)
            {
                return null;
            }

            if (midx.FindMissingIdx().Count > 0)
            {
                midx.Dispose();
                if (removeBroken)
                {
                    File.Delete(path);
                }

                return null;
            }

            return new MergeInput(path, null, midx, nameBase);
        }

        private static MultiPackIndex? OpenMidx(string path, bool tolerateDamage)
        {
            try
            {
                return TryOpen(path, out _);
            }
            catch (CorruptObjectException) when (tolerateDamage)
            {
                return null;
            }
        }

        public void Dispose()
        {
            _idx?.Dispose();
            _midx?.Dispose();
        }
    }
}
