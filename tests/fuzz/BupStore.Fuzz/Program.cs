using SharpFuzz;

namespace BupStore.Fuzz;

/// <summary>
/// <c>BupStore.Fuzz TARGET [--libfuzzer | --replay FILE...]</c>: runs one fuzz target under libFuzzer
/// (through libfuzzer-dotnet, which passes a single argument, so it is recognised by the
/// environment it sets up), under AFL (SharpFuzz's out-of-process mode, input on stdin), or once
/// per file without a fuzzer (to reproduce a finding). Only CorruptObjectException counts as a
/// clean failure; anything else escapes and is reported as a crash.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine($"usage: BupStore.Fuzz TARGET [--libfuzzer | --replay FILE...]\ntargets: {string.Join(", ", FuzzTargets.Names)}");
            return 2;
        }

        var target = FuzzTargets.Get(args[0]);
        try
        {
            var mode = args.Length > 1 ? args[1]
                : Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null ? "--libfuzzer" : "--afl";
            switch (mode)
            {
                case "--libfuzzer":
                    Fuzzer.LibFuzzer.Run(input => FuzzTargets.RunExpectingOnlyCorruption(target, input));
                    break;
                case "--replay":
                    foreach (var file in args[2..])
                    {
                        FuzzTargets.RunExpectingOnlyCorruption(target, File.ReadAllBytes(file));
                        Console.WriteLine($"{file}: ok");
                    }

                    break;
                default:
                    Fuzzer.OutOfProcess.Run(stream =>
                    {
                        using var copy = new MemoryStream();
                        stream.CopyTo(copy);
                        FuzzTargets.RunExpectingOnlyCorruption(target, copy.GetBuffer().AsSpan(0, (int)copy.Length));
                    });
                    break;
            }
        }
        finally
        {
            ScratchFile.Delete();
        }

        return 0;
    }
}
