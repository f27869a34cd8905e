using BenchmarkDotNet.Running;

namespace BupStore.Benchmarks;

/// <summary>
/// Entry point: every benchmark class in this assembly is selectable, e.g.
/// <c>dotnet run -c Release -- --filter '*Lookup*'</c>. Add classes freely; nothing to register here.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
