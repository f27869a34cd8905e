namespace BupStore.Formats;

/// <summary>How an in-memory inflate of a whole zlib stream ended.</summary>
internal enum InflateStatus
{
    /// <summary>The stream ended, checksum verified, exactly when the output was full.</summary>
    Complete,

    /// <summary>The input ran out first: the stream continues past the bytes given.</summary>
    NeedInput,

    /// <summary>The stream ended before the output was full.</summary>
    TooShort,

    /// <summary>The output was full and the stream had not ended.</summary>
    TooLong,

    /// <summary>The data is not a valid zlib stream (or its checksum is wrong).</summary>
    Corrupt,

    /// <summary>No native inflater could be used here: inflate another way.</summary>
    Unavailable,
}
