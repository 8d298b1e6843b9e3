using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// How the project's warning properties, read into <see cref="CompilationOptions"/> as the task
/// reads them, change an OWN diagnostic's severity (null: not reported).
/// </summary>
[Trait("Category", "Slow")]
public class WarningOptionsTests
{
    [Theory]
    // Nothing set: as configured.
    [InlineData(false, "", "", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Warning)]
    [InlineData(false, "", "", "", DiagnosticSeverity.Suggestion, DiagnosticSeverity.Suggestion)]
    [InlineData(false, "", "", "", DiagnosticSeverity.Error, DiagnosticSeverity.Error)]
    // TreatWarningsAsErrors: warnings only, not suggestions, and not those in WarningsNotAsErrors.
    [InlineData(true, "", "", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Error)]
    [InlineData(true, "", "", "", DiagnosticSeverity.Suggestion, DiagnosticSeverity.Suggestion)]
    [InlineData(true, "", "OWN0204; OWN0301", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Warning)]
    // WarningsAsErrors: the listed IDs, any separator, any case.
    [InlineData(false, "CS0168;own0301", "", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Error)]
    [InlineData(false, "OWN0204,OWN0301", "", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Error)]
    [InlineData(false, "OWN0204", "", "", DiagnosticSeverity.Warning, DiagnosticSeverity.Warning)]
    // NoWarn silences warnings and suggestions, wins over WarningsAsErrors, never silences errors.
    [InlineData(false, "", "", "1701;1702;OWN0301", DiagnosticSeverity.Warning, null)]
    [InlineData(false, "", "", "OWN0301", DiagnosticSeverity.Suggestion, null)]
    [InlineData(true, "OWN0301", "", "OWN0301", DiagnosticSeverity.Warning, null)]
    [InlineData(false, "", "", "OWN0301", DiagnosticSeverity.Error, DiagnosticSeverity.Error)]
    public void Applies_project_warning_settings_like_csc(bool all, string asErrors, string notAsErrors, string noWarn, DiagnosticSeverity configured, DiagnosticSeverity? reported) =>
        new CompilationOptions
        {
            WarningsAsErrors = all,
            SpecificWarningsAsErrors = CompilationOptions.ParseIdList(asErrors),
            WarningsNotAsErrors = CompilationOptions.ParseIdList(notAsErrors),
            NoWarn = CompilationOptions.ParseIdList(noWarn),
        }.EffectiveSeverity(UnusedDeclaration(configured)).ShouldBe(reported);

    private static Diagnostic UnusedDeclaration(DiagnosticSeverity severity) =>
        Diagnostic.Create(Analysis.Rules.UnusedDeclarationRule.Rule, Text.SourceText.From("policy P\n", "p.owner"), new Text.TextSpan(0, 6), "owner", "X", "").WithSeverity(severity);
}
