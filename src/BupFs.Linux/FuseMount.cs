// One live libfuse session: builds it, runs the multi-threaded loop on its own thread, stops
// it, and tears everything down exactly once (docs/fuse-interop.md, "Lifecycle of a mount", "Stopping the loop" and "Signals").
//
// Concurrency: UnmountAsync/DisposeAsync may be called from any thread, any number of times,
// also while the kernel ends the session by itself (external fusermount3 -u). _gate orders
// fuse_session_exit against fuse_session_destroy; Teardown runs once.
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>A mounted <see cref="IFileSystem"/> served through libfuse3.</summary>
internal sealed class FuseMount : IMountHandle
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WakeTimeout = TimeSpan.FromSeconds(2);
    private static readonly Lock SessionMountLock = new();

    private readonly FuseOperations _operations;
    private readonly FuseMountOptions _options;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _loopReturned = new();
    private GCHandle _self;
    private unsafe FuseArgs* _arguments;
    private nint _session;
    private bool _running;
    private bool _loopStarted;
    private int _tornDown;
    private MountEntry? _mountEntry;

    private FuseMount(IFileSystem fs, string mountPoint, FuseMountOptions options)
    {
        MountPoint = mountPoint;
        _options = options;
        _operations = new FuseOperations(fs, options);
    }

    /// <inheritdoc/>
    public string MountPoint { get; }

    /// <inheritdoc/>
    public Task Completion => _completion.Task;

    /// <summary>Mounts and returns once the kernel's INIT has been answered; on failure the FS is disposed.</summary>
    public static FuseMount Start(IFileSystem fs, string mountPoint, FuseMountOptions options)
    {
        var mount = new FuseMount(fs, mountPoint, options);
        try
        {
            mount.CreateSession();
            mount.StartLoop();
            mount.WaitForInit();
            mount.Tune();
            return mount;
        }
        catch (Exception)
        {
            mount.Abort();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task UnmountAsync(TimeSpan timeout)
    {
        if (RequestExit())
        {
            await Task.Run(WakeAndDetach).ConfigureAwait(false);
        }

        if (await FinishesWithin(timeout).ConfigureAwait(false))
        {
            return;
        }

        AbortConnection();
        if (!await FinishesWithin(WakeTimeout).ConfigureAwait(false))
        {
            throw new MountException(MountFailure.Timeout,
                $"{MountPoint} did not finish unmounting within {timeout.TotalSeconds:0.#} s (a request is still being served)");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await UnmountAsync(DisposeTimeout).ConfigureAwait(false);
        }
        catch (MountException e)
        {
            _operations.Log.Write("bupfs: " + e.Message);
        }
    }

    /// <summary>
    /// Makes the kernel forget its cached entry for <paramref name="name"/> in <paramref name="parent"/>
    /// (for changes made behind its back, e.g. by a commit). Returns 0 or a negative errno:
    /// -ENOENT when the kernel had nothing cached, -ENOTCONN once the mount is gone.
    /// Must not be called from inside a request on the same directory (libfuse: it may deadlock).
    /// </summary>
    internal int InvalidateEntry(ulong parent, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            return SessionAlive ? LibFuse.NotifyInvalidateEntry(_session, parent, name) : -ErrnoMap.ENOTCONN;
        }
    }

    /// <summary>
    /// Makes the kernel forget a node's cached attributes and its cached pages from
    /// <paramref name="offset"/> on (<paramref name="length"/> 0 = to the end, a negative offset
    /// keeps the pages). Returns 0 or a negative errno, as <see cref="InvalidateEntry"/>.
    /// </summary>
    internal int InvalidateNode(ulong node, long offset = 0, long length = 0)
    {
        lock (_gate)
        {
            return SessionAlive ? LibFuse.NotifyInvalidateInode(_session, node, offset, length) : -ErrnoMap.ENOTCONN;
        }
    }

    /// <summary>
    /// True once the kernel's INIT was answered and while teardown has not begun. Read under
    /// <see cref="_gate"/>: Teardown marks itself before it takes the gate and destroys the session
    /// only after, so the session stays valid for as long as a caller that saw true holds the gate.
    /// </summary>
    private bool SessionAlive => _session != 0 && Volatile.Read(ref _tornDown) == 0 && _operations.Initialized.IsCompletedSuccessfully;

    private unsafe void CreateSession()
    {
        _self = GCHandle.Alloc(_operations);
        _arguments = (FuseArgs*)NativeMemory.AllocZeroed((nuint)sizeof(FuseArgs));
        bool writable = _operations.Writable is not null;
        List<string> arguments = MountArguments.Build(_options, writable);
        foreach (string argument in arguments)
        {
            if (LibFuse.OptAddArg(_arguments, argument) != 0)
            {
                throw new MountException(MountFailure.MountFailed, "libfuse could not store the mount arguments (out of memory)");
            }
        }

        FuseLowLevelOps table = FuseCallbacks.CreateOperationTable(writable);
        _session = LibFuse.SessionNew(_arguments, &table, GCHandle.ToIntPtr(_self));
        if (_session == 0)
        {
            throw new MountException(MountFailure.MountFailed,
                $"libfuse rejected the mount options \"{arguments[^1]}\" (its reason is on standard error)");
        }

        // libfuse makes fusermount3's socket pair without close-on-exec and, with auto_unmount, keeps
        // its end open for the mount's life. Two mounts made at once in one process each fork a
        // fusermount3 that inherits the other's socket, so neither ever sees its mount's owner exit
        // and both outlive it. One at a time, a later helper only holds an earlier one's socket until
        // it exits itself, and they end in turn.
        int mounted;
        lock (SessionMountLock)
        {
            mounted = LibFuse.SessionMount(_session, MountPoint);
        }

        if (mounted != 0)
        {
            throw new MountException(MountFailure.MountFailed, MountFailedMessage());
        }

        _running = true;
    }

    private string MountFailedMessage()
    {
        string hint = MountPointChecks.IsRoot ? "" : "; non-root mounts need fusermount3 (apt-get install fuse3)";
        return $"mounting {MountPoint} failed (libfuse's reason is on standard error){hint}";
    }

    private void StartLoop()
    {
        var thread = new Thread(RunLoop) { IsBackground = true, Name = "bupfs fuse loop " + MountPoint };
        thread.Start();
        _loopStarted = true;
    }

    private void RunLoop()
    {
        int result = 0;
        try
        {
            nint config = LibFuse.LoopConfigCreate();
            LibFuse.LoopConfigSetMaxThreads(config, (uint)Math.Max(1, _options.MaxThreads));
            result = LibFuse.SessionLoopMt(_session, config);
            LibFuse.LoopConfigDestroy(config);
        }
        catch (Exception e)
        {
            _operations.Log.Write($"bupfs: FUSE loop for {MountPoint} failed: {e.Message}");
        }
        finally
        {
            _loopReturned.Set();
            if (result < 0)
            {
                _operations.Log.Write($"bupfs: FUSE loop for {MountPoint} ended with error {-result}");
            }

            Teardown();
        }
    }

    private void WaitForInit()
    {
        int which = Task.WaitAny([_operations.Initialized, Completion], _options.MountTimeout);
        if (which == 0 && _operations.Initialized.IsCompletedSuccessfully)
        {
            return;
        }

        throw which switch
        {
            0 => new MountException(MountFailure.MountFailed, $"FUSE init for {MountPoint} failed",
                _operations.Initialized.Exception!.GetBaseException()),
            1 => new MountException(MountFailure.MountFailed, $"the FUSE session for {MountPoint} ended before the kernel's INIT"),
            _ => new MountException(MountFailure.Timeout,
                $"the kernel did not initialise the FUSE mount on {MountPoint} within {_options.MountTimeout.TotalSeconds:0.#} s"),
        };
    }

    /// <summary>Raises the mount's readahead (root only) so streaming reads come as 1 MiB requests.</summary>
    private void Tune()
    {
        _mountEntry = MountTable.Find(MountPoint);
        if (_mountEntry is null || _options.ReadAheadKiB <= 0 || !MountPointChecks.IsRoot)
        {
            return;
        }

        try
        {
            File.WriteAllText($"/sys/class/bdi/{_mountEntry.Device}/read_ahead_kb", _options.ReadAheadKiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _operations.Log.Write($"bupfs: could not raise readahead of {MountPoint}: {e.Message}");
        }
    }

    /// <summary>Sets libfuse's exit flag; false if the session is not running (any more).</summary>
    private bool RequestExit()
    {
        lock (_gate)
        {
            if (!_running)
            {
                return false;
            }

            _running = false;
            LibFuse.SessionExit(_session);
            return true;
        }
    }

    /// <summary>
    /// In libfuse 3.14 the exit flag is only seen after a request has been handled (docs/fuse-interop.md, "Stopping the loop"). A
    /// lookup of a fresh name is such a request, even with open files keeping the mount busy;
    /// when it cannot get through (hung filesystem, no search permission), a lazy detach ends
    /// the connection once the mount is no longer in use.
    /// </summary>
    private void WakeAndDetach()
    {
        string probe = Path.Join(MountPoint, $".bupfs-unmount-{Guid.NewGuid():N}");
        var wake = new Thread(() => File.Exists(probe)) { IsBackground = true, Name = "bupfs unmount wake" };
        wake.Start();
        if (!_loopReturned.Wait(WakeTimeout))
        {
            MountPointChecks.Detach(MountPoint, _mountEntry?.Device);
        }
    }

    /// <summary>Last resort for a mount kept alive by open files: abort the connection (fusectl).</summary>
    private void AbortConnection()
    {
        string abort = $"/sys/fs/fuse/connections/{_mountEntry?.DeviceMinor}/abort";
        try
        {
            if (_mountEntry is not null && File.Exists(abort))
            {
                File.WriteAllText(abort, "1");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _operations.Log.Write($"bupfs: could not abort the FUSE connection of {MountPoint}: {e.Message}");
        }
    }

    private async Task<bool> FinishesWithin(TimeSpan timeout) =>
        await Task.WhenAny(Completion, Task.Delay(timeout)).ConfigureAwait(false) == Completion;

    /// <summary>Stops a mount whose start failed; the loop thread (if any) does the teardown.</summary>
    private void Abort()
    {
        if (!_loopStarted)
        {
            Teardown();
            return;
        }

        if (RequestExit())
        {
            WakeAndDetach();
        }

        if (!Completion.Wait(DisposeTimeout))
        {
            _operations.Log.Write($"bupfs: the failed mount on {MountPoint} did not shut down within {DisposeTimeout.TotalSeconds} s");
        }
    }

    /// <summary>Ends the session and hands everything back, exactly once.</summary>
    private void Teardown()
    {
        if (Interlocked.Exchange(ref _tornDown, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _running = false; // no fuse_session_exit after this point
        }

        if (_session != 0)
        {
            LibFuse.SessionUnmount(_session);
            LibFuse.SessionDestroy(_session);
            _session = 0;
        }

        FreeArguments();
        _operations.ReleaseAll();
        FileSystemDisposal.Dispose(_operations.FileSystem, _operations.Log);
        if (_self.IsAllocated)
        {
            _self.Free();
        }

        _completion.TrySetResult();
    }

    private unsafe void FreeArguments()
    {
        if (_arguments != null)
        {
            LibFuse.OptFreeArgs(_arguments);
            NativeMemory.Free(_arguments);
            _arguments = null;
        }
    }
}
