using Microsoft.Win32.SafeHandles;

namespace Mount.Tests.Support;

/// <summary>
/// One file of an <see cref="FsxRun"/>: its current name, the open handle (if any) and the model of
/// what its content must be, kept in memory and changed by every operation alongside the real file.
/// </summary>
internal sealed class FsxFile
{
    private byte[] _model = new byte[4096];

    public FsxFile(string name) => Name = name;

    /// <summary>The file's name in the run's folder (renames change it).</summary>
    public string Name { get; set; }

    /// <summary>The open read-write handle, or null while the file is closed.</summary>
    public SafeFileHandle? Handle { get; set; }

    /// <summary>The model's length, which the real file's size must equal.</summary>
    public int Length { get; private set; }

    /// <summary>The model's content.</summary>
    public ReadOnlySpan<byte> Content => _model.AsSpan(0, Length);

    /// <summary>Records a write of <paramref name="data"/> at <paramref name="offset"/> (a hole before it reads as zeros).</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        int end = checked((int)offset + data.Length);
        SetLength(Math.Max(end, Length));
        data.CopyTo(_model.AsSpan((int)offset));
    }

    /// <summary>Records a truncate: shorter drops the tail, longer adds zeros.</summary>
    public void SetLength(int length)
    {
        if (length > _model.Length)
        {
            Array.Resize(ref _model, Math.Max(length, _model.Length * 2));
        }

        if (length < Length)
        {
            _model.AsSpan(length, Length - length).Clear();
        }

        Length = length;
    }
}
