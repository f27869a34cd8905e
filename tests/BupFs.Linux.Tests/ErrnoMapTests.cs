namespace BupFs.Linux.Tests;

public sealed class ErrnoMapTests
{
    [Theory]
    [InlineData(FsError.NotFound, 2)]
    [InlineData(FsError.NotDirectory, 20)]
    [InlineData(FsError.IsDirectory, 21)]
    [InlineData(FsError.Exists, 17)]
    [InlineData(FsError.NotEmpty, 39)]
    [InlineData(FsError.ReadOnly, 30)]
    [InlineData(FsError.NameTooLong, 36)]
    [InlineData(FsError.InvalidArgument, 22)]
    [InlineData(FsError.NoAttribute, 61)]
    [InlineData(FsError.Range, 34)]
    [InlineData(FsError.NotSupported, 95)]
    [InlineData(FsError.AccessDenied, 13)]
    [InlineData(FsError.BadHandle, 9)]
    [InlineData(FsError.NoSpace, 28)]
    [InlineData(FsError.Io, 5)]
    [InlineData(FsError.Loop, 40)]
    [InlineData(FsError.NotPermitted, 1)]
    [InlineData(FsError.CrossDevice, 18)]
    [InlineData(FsError.TooManyLinks, 31)]
    [InlineData(FsError.FileTooLarge, 27)]
    [InlineData(FsError.Busy, 16)]
    [InlineData(FsError.QuotaExceeded, 122)]
    public void EachFsErrorHasItsLinuxErrno(FsError error, int errno)
    {
        Assert.Equal(errno, ErrnoMap.FromError(error));
        Assert.Equal(errno, ErrnoMap.FromException(new FsException(error)));
    }

    [Fact]
    public void EveryFsErrorIsMapped()
    {
        var values = Enum.GetValues<FsError>().Select(ErrnoMap.FromError).ToList();
        Assert.Equal(values.Count, values.Distinct().Count());
    }

    [Fact]
    public void EveryErrnoWeProduceHasAName()
    {
        foreach (FsError error in Enum.GetValues<FsError>())
        {
            int errno = ErrnoMap.FromError(error);
            Assert.False(ErrnoMap.Name(errno).StartsWith("errno ", StringComparison.Ordinal), $"{error} → {errno} has no name");
        }
    }

    [Fact]
    public void AnythingElseIsAnIoError()
    {
        Assert.Equal(Errno.EIO, ErrnoMap.FromException(new InvalidDataException("corrupt object")));
        Assert.Equal(Errno.EIO, ErrnoMap.FromException(new FileNotFoundException()));
        Assert.True(RequestLog.IsUnexpected(new InvalidOperationException()));
        Assert.True(RequestLog.IsUnexpected(new FsException(FsError.Io)));
        Assert.False(RequestLog.IsUnexpected(new FsException(FsError.NotFound)));
    }

    [Fact]
    public void UnexpectedErrorsAreLoggedOncePerMessage()
    {
        var lines = new List<string>();
        var log = new RequestLog(lines.Add, trace: false);
        log.Unexpected("read", 7, new InvalidDataException("corrupt object abc"));
        log.Unexpected("read", 7, new InvalidDataException("corrupt object abc"));
        log.Unexpected("read", 8, new InvalidDataException("corrupt object def"));
        Assert.Equal(2, lines.Count);
        Assert.Contains("corrupt object abc", lines[0]);
    }
}
