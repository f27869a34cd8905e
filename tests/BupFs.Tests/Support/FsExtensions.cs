using System.Text;
using BupFs.Repo;

namespace BupFs.Tests.Support;

/// <summary>Shorthands for tests.</summary>
internal static class FsExtensions
{
    public static byte[] Bytes(this string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(this byte[] bytes) => BupStore.Objects.NameText.Display(bytes);

    /// <summary>The names of a directory listing, as display strings.</summary>
    public static List<string> Names(this IFileSystem fs, ulong node) => fs.ReadDirectory(node).Select(e => e.Name.Text()).ToList();

    /// <summary>Resolve by a UTF-8 path.</summary>
    public static NodeAttributes Resolve(this RepoFileSystem fs, string path) => fs.Resolve(Encoding.UTF8.GetBytes(path));

    /// <summary>The whole content of a file node, read in <paramref name="chunk"/>-byte requests.</summary>
    public static byte[] ReadAll(this IFileSystem fs, ulong node, int chunk = 128 * 1024)
    {
        var handle = fs.Open(node, OpenFlags.Read);
        try
        {
            using var result = new MemoryStream();
            var buffer = new byte[chunk];
            long offset = 0;
            int n;
            while ((n = fs.Read(handle, buffer, offset)) > 0)
            {
                result.Write(buffer, 0, n);
                offset += n;
            }

            return result.ToArray();
        }
        finally
        {
            fs.Release(handle);
        }
    }
}
