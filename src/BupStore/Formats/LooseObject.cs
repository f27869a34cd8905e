using System.IO.Compression;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// Git loose objects: objects/xx/yyyy…, a zlib stream of "&lt;type&gt; &lt;size&gt;\0&lt;content&gt;".
/// bup never writes them, but a repository touched by git may hold some (docs/formats/objects.md, "What a reader must accept").
/// </summary>
public static class LooseObject
{
    private const int MaxHeader = 32;

    /// <summary>The path an object would have under <paramref name="objectsDir"/>.</summary>
    public static string PathFor(string objectsDir, ObjectId id)
    {
        var hex = id.ToString();
        return System.IO.Path.Combine(objectsDir, hex[..2], hex[2..]);
    }

    /// <summary>Reads a loose object; false when there is no such file.</summary>
    public static bool TryRead(string objectsDir, ObjectId id, out ObjectType type, out byte[] data)
    {
        var path = PathFor(objectsDir, id);
        type = ObjectType.None;
        data = [];
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        using (file)
        {
            (type, data) = Decode(file, file.Length, path);
        }

        return true;
    }

    private static (ObjectType Type, byte[] Data) Decode(Stream file, long fileLength, string path)
    {
        try
        {
            using var z = new ZLibStream(file, CompressionMode.Decompress);
            var (type, size) = ReadHeader(z, path);
            if (size > Array.MaxLength || size > (fileLength * 1032) + 64)
            {
                throw new CorruptObjectException(path, $"loose object size {size} is impossible");
            }

            var data = GC.AllocateUninitializedArray<byte>((int)size);
            z.ReadExactly(data);
            return (type, data);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CorruptObjectException(path, $"bad loose object: {e.Message}");
        }
    }

    private static (ObjectType Type, long Size) ReadHeader(Stream z, string path)
    {
        Span<byte> header = stackalloc byte[MaxHeader];
        var n = 0;
        while (true)
        {
            var b = z.ReadByte();
            if (b < 0 || n == MaxHeader)
            {
                throw new CorruptObjectException(path, "loose object header truncated or too long");
            }

            if (b == 0)
            {
                break;
            }

            header[n++] = (byte)b;
        }

        var text = header[..n];
        var space = text.IndexOf((byte)' ');
        var type = space > 0 ? ObjectTypes.Parse(text[..space]) : ObjectType.None;
        if (type == ObjectType.None || !long.TryParse(System.Text.Encoding.ASCII.GetString(text[(space + 1)..]), out var size) || size < 0)
        {
            throw new CorruptObjectException(path, "malformed loose object header");
        }

        return (type, size);
    }
}
