using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Runtime.Compiled.Testing;

/// <summary>One expectation that did not hold: where it is, what it expected, what happened, and the policy lines involved.</summary>
public sealed record TestFailure(int Line, string Expected, string Actual, ImmutableArray<string> PolicyLines);

/// <summary>
/// One test's outcome. A test with diagnostics (a name the policy lacks, a bad date) did not
/// run as written and counts as failed.
/// </summary>
public sealed record TestResult(string Name, string File, int Line, string? Policy, ImmutableArray<TestFailure> Failures, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>Every expectation held and the test ran as written.</summary>
    public bool Passed => Failures.IsEmpty && Diagnostics.IsEmpty;
}

/// <summary>A test file's results, and the diagnostics that stop the whole file (syntax errors).</summary>
public sealed record TestFileResult(string File, ImmutableArray<TestResult> Tests, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The file's diagnostics and every test's, in that order.</summary>
    public IEnumerable<Diagnostic> AllDiagnostics => Diagnostics.Concat(Tests.SelectMany(t => t.Diagnostics));

    /// <summary>The file has no errors and every test in it passed.</summary>
    public bool Passed => Diagnostics.IsEmpty && Tests.All(t => t.Passed);
}
