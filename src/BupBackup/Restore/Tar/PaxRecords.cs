// pax extended header records (POSIX.1-2001 pax "extended header" format: "%d %s=%s\n", the
// length counting the whole record, its own digits included).
using System.Buffers;
using System.Globalization;
using System.Text;
using BupStore.Formats;

namespace BupBackup.Restore.Tar;

/// <summary>Collects the records of one pax extended header. Values are raw bytes.</summary>
internal sealed class PaxRecords
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private bool _binary;

    /// <summary>True when no record was added.</summary>
    public bool IsEmpty => _buffer.WrittenCount == 0;

    /// <summary>The encoded records.</summary>
    public ReadOnlySpan<byte> Content => _buffer.WrittenSpan;

    /// <summary>Adds a record whose value is text such as a path or a user name; non-UTF-8 values mark the header binary.</summary>
    public void AddText(string key, ReadOnlySpan<byte> value)
    {
        if (!_binary && !System.Text.Unicode.Utf8.IsValid(value))
        {
            // pax values are UTF-8 unless the header says otherwise (pax hdrcharset); names here are raw bytes.
            _binary = true;
            Add("hdrcharset", "BINARY"u8);
        }

        Add(key, value);
    }

    /// <summary>Adds a record with a decimal number.</summary>
    public void AddNumber(string key, long value) =>
        Add(key, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Adds a time as seconds with nine decimals (negative times count back from the epoch).</summary>
    public void AddTime(string key, BupTimespec time) => Add(key, Encoding.ASCII.GetBytes(FormatTime(time)));

    /// <summary>Adds a record with an ASCII key and a raw value.</summary>
    public void Add(string key, ReadOnlySpan<byte> value) => Add(Encoding.ASCII.GetBytes(key), value);

    /// <summary>Adds a record with a raw key and value (xattr names and values are bytes).</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var rest = 1 + key.Length + 1 + value.Length + 1; // ' ', key, '=', value, '\n'
        var length = RecordLength(rest);
        var digits = Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture));
        var span = _buffer.GetSpan(length);
        digits.CopyTo(span);
        var pos = digits.Length;
        span[pos++] = (byte)' ';
        key.CopyTo(span[pos..]);
        pos += key.Length;
        span[pos++] = (byte)'=';
        value.CopyTo(span[pos..]);
        pos += value.Length;
        span[pos++] = (byte)'\n';
        _buffer.Advance(pos);
    }

    /// <summary>"sec.nnnnnnnnn"; before the epoch the whole value is negative ("-1.500000000" is 1.5 s before).</summary>
    public static string FormatTime(BupTimespec time)
    {
        if (time.Nanoseconds == 0)
        {
            return time.Seconds.ToString(CultureInfo.InvariantCulture);
        }

        return time.Seconds >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{time.Seconds}.{time.Nanoseconds:D9}")
            : string.Create(CultureInfo.InvariantCulture, $"-{-(time.Seconds + 1)}.{BupTimespec.NanosecondsPerSecond - time.Nanoseconds:D9}");
    }

    // The length field counts its own digits, so adding a digit may need one more.
    private static int RecordLength(int rest)
    {
        var length = rest + 1;
        while (length != rest + Digits(length))
        {
            length = rest + Digits(length);
        }

        return length;
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
