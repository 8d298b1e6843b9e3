using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Tests.Infrastructure;

/// <summary>Compiles policy text through the real pipeline and renders what it reports.</summary>
public static class TestPolicy
{
    public static PolicyCompilation Compile(string text, string path = "test.owner", IReadOnlyDictionary<string, DiagnosticSeverity>? severities = null) =>
        PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.From(text, path), severities);

    public static string Diagnostics(string text, string path = "test.owner") => Baseline.Render(Compile(text, path).Diagnostics);

    public static IReadOnlyList<string> Ids(string text) => [.. Compile(text).Diagnostics.Select(d => d.Id)];

    /// <summary>A small valid policy header and lifecycle to build rule tests on.</summary>
    public const string Prelude = """
        policy Test
        stages Prospect -> Active -> Retention

        """;
}
