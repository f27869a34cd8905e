// How `bupfs commit` and `bupfs status` reach a staging tree that a mount process owns: a Unix
// domain socket in the staging area (control.sock; docs/formats/staging.md, "Control socket").
// One request per connection: a line "VERB\tARG...", answered by lines "out\tTEXT" (to print),
// then one last line "ok\tRESULT" or "error\tMESSAGE". Requests run one at a time.
using System.Net.Sockets;
using System.Text;

namespace BupFs.Staging;

/// <summary>The control socket of one staging area: the owner's server and the client.</summary>
public sealed class StagingControl : IDisposable
{
    private const string SocketName = "control.sock";
    private const int MaxRequestBytes = 1 << 20;

    private readonly Socket _listener;
    private readonly Func<string[], Action<string>, string> _handle;
    private readonly Thread _thread;
    private readonly string _path;
    private volatile bool _stopped;

    private StagingControl(Socket listener, Func<string[], Action<string>, string> handle, string path)
    {
        _listener = listener;
        _path = path;
        _handle = handle;
        _thread = new Thread(Serve) { IsBackground = true, Name = "bupfs staging control" };
        _thread.Start();
    }

    /// <summary>
    /// Serves requests for the area in <paramref name="areaDirectory"/>: <paramref name="handle"/>
    /// gets the request's fields and a sink for output lines, and returns the result (or throws).
    /// </summary>
    public static StagingControl Serve(string areaDirectory, Func<string[], Action<string>, string> handle)
    {
        var path = Path.Combine(areaDirectory, SocketName);
        File.Delete(path); // left by a process that died; the area's lock says we own it now
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            InDirectory(areaDirectory, name => listener.Bind(new UnixDomainSocketEndPoint(name)));
            listener.Listen(4);
            return new StagingControl(listener, handle, path);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a request to the owner of the area, printing its output through <paramref name="output"/>.
    /// Returns null when no process serves the area (then the caller may open it itself).
    /// </summary>
    /// <exception cref="StagingException">The owner answered with an error.</exception>
    public static string? TryRequest(string areaDirectory, string[] request, Action<string> output)
    {
        var path = Path.Combine(areaDirectory, SocketName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            InDirectory(areaDirectory, name => socket.Connect(new UnixDomainSocketEndPoint(name)));
        }
        catch (SocketException)
        {
            return null; // a socket file nobody listens on
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        stream.Write(Encoding.UTF8.GetBytes(string.Join('\t', request.Select(Escape)) + "\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var (kind, text) = Split(line);
            switch (kind)
            {
                case "out":
                    output(text);
                    break;
                case "ok":
                    return text;
                default:
                    throw new StagingException(text);
            }
        }

        throw new StagingException("the staging mount closed the control connection without an answer");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopped = true;
        _listener.Dispose();
        File.Delete(_path);
    }

    // A socket's path must fit sun_path (108 bytes); a repository's path need not. Longer paths
    // are reached through /proc/self/cwd with the working directory changed for the call only
    // (a relative name would not do: .NET makes it absolute again): the server binds before
    // serving anything, and the client is a single-threaded command.
    private static void InDirectory(string directory, Action<string> action)
    {
        var full = Path.Combine(directory, SocketName);
        if (System.Text.Encoding.UTF8.GetByteCount(full) < 100)
        {
            action(full);
            return;
        }

        var saved = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            action("/proc/self/cwd/" + SocketName);
        }
        finally
        {
            Environment.CurrentDirectory = saved;
        }
    }

    private void Serve()
    {
        while (!_stopped)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            using (client)
            {
                Answer(client);
            }
        }
    }

    private void Answer(Socket client)
    {
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: false);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            var request = ReadRequest(stream);
            try
            {
                var result = _handle(request, line => writer.WriteLine("out\t" + Escape(line)));
                writer.WriteLine("ok\t" + Escape(result));
            }
            catch (Exception e)
            {
                writer.WriteLine("error\t" + Escape(e.Message));
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // the client went away; nothing to answer
        }
    }

    private static string[] ReadRequest(Stream stream)
    {
        var bytes = new List<byte>();
        int next;
        while ((next = stream.ReadByte()) >= 0 && next != '\n')
        {
            if (bytes.Count >= MaxRequestBytes)
            {
                throw new IOException("control request too long");
            }

            bytes.Add((byte)next);
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).Split('\t').Select(Unescape).ToArray();
    }

    private static (string Kind, string Text) Split(string line)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        return tab < 0 ? (line, string.Empty) : (line[..tab], Unescape(line[(tab + 1)..]));
    }

    // Fields and lines may hold tabs and newlines (commit messages): escape them and the backslash.
    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Unescape(string text)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            i++;
            result.Append(text[i] switch { 't' => '\t', 'n' => '\n', _ => text[i] });
        }

        return result.ToString();
    }
}
