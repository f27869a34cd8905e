using Mono.Unix;

namespace TestSupport;

/// <summary>Path strings for byte names: Mono.Unix encodes undecodable bytes reversibly.</summary>
public static class UnixNames
{
    /// <summary>The Mono.Unix string for a raw file-name byte sequence.</summary>
    public static string FromBytes(ReadOnlySpan<byte> name) => UnixEncoding.Instance.GetString(name.ToArray());

    /// <summary>The raw bytes behind a Mono.Unix path string.</summary>
    public static byte[] ToBytes(string path) => UnixEncoding.Instance.GetBytes(path);

    /// <summary>Joins with '/', keeping escaped bytes intact.</summary>
    public static string Join(string folder, string name) => folder.EndsWith('/') ? folder + name : folder + "/" + name;
}
