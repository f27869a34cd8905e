namespace Conformance.Cases;

/// <summary>One named case: run once per driver.</summary>
/// <param name="Name">The case's name, as test results show it.</param>
/// <param name="OnReadOnlyView">True when the case runs on the read-only repository view rather than the staging tree.</param>
/// <param name="Run">The case's body.</param>
public sealed record ConformanceCase(string Name, bool OnReadOnlyView, Action<CaseContext> Run);
