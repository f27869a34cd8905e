namespace BupFs.Linux.Tests;

/// <summary>Waits for a condition the kernel makes true asynchronously (RELEASE, FORGET, unmount).</summary>
internal static class Eventually
{
    public static bool True(Func<bool> condition, double seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }
}
