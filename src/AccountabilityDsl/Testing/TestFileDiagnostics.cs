using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Testing;

/// <summary>
/// Diagnostics of <c>.owner-test</c> files, in a range of their own (OWN09xx) so that they never
/// collide with the policy language's. A failed expectation is a test result, not a diagnostic:
/// these say that a test cannot run as written.
/// </summary>
public static class TestFileDiagnostics
{
    public static readonly DiagnosticDescriptor SyntaxError = new(
        "OWN0901", "Syntax error in a test file", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Syntax);

    public static readonly DiagnosticDescriptor UnknownName = new(
        "OWN0902", "Unknown name in a test", "policy {0} has no {1} '{2}'{3}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor InvalidValue = new(
        "OWN0903", "Invalid value or step in a test", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor PolicyUnavailable = new(
        "OWN0904", "The policy under test cannot be used", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Usage);

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = [SyntaxError, UnknownName, InvalidValue, PolicyUnavailable];
}
