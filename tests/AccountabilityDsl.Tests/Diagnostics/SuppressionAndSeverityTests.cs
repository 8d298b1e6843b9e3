using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Diagnostics;

/// <summary>Inline suppressions and configured severities, through the real pipeline.</summary>
public class SuppressionAndSeverityTests
{
    private const string Unused = TestPolicy.Prelude + """
        segment S
        owner Sales
        owner Idle
        owner Spare
        accountable Sales for * at *

        """;

    [Fact]
    public void Without_suppression_both_unused_owners_are_reported() =>
        TestPolicy.Ids(Unused).Count(id => id == "OWN0301").ShouldBe(2);

    [Fact]
    public void Next_line_suppression_silences_only_the_next_line() =>
        Baseline.Verify(TestPolicy.Diagnostics(Unused.Replace("owner Idle", "// owner-disable-next-line OWN0301\nowner Idle")), "Suppression/next-line.txt");

    [Fact]
    public void File_suppression_silences_the_id_everywhere_and_lists_may_name_several_ids() =>
        TestPolicy.Ids(Unused + "// owner-disable OWN0102, OWN0301\n").ShouldNotContain("OWN0301");

    [Fact]
    public void A_block_comment_directive_counts_from_the_line_where_the_comment_ends() =>
        TestPolicy.Ids(Unused.Replace("owner Idle", "/* owner-disable-next-line OWN0301 */\nowner Idle").Replace("owner Spare", "/*\n   owner-disable-next-line OWN0301\n*/\nowner Spare"))
            .ShouldNotContain("OWN0301");

    [Fact]
    public void Syntax_errors_cannot_be_suppressed() =>
        TestPolicy.Ids("// owner-disable OWN0001\npolicy P\nstages A ->\n").ShouldContain("OWN0001");

    [Fact]
    public void A_suppression_for_another_id_changes_nothing() =>
        TestPolicy.Ids(Unused.Replace("owner Idle", "// owner-disable-next-line OWN0204\nowner Idle")).Count(id => id == "OWN0301").ShouldBe(2);

    [Theory]
    [InlineData(DiagnosticSeverity.Error, "error")]
    [InlineData(DiagnosticSeverity.Suggestion, "suggestion")]
    public void Configured_severities_replace_the_default(DiagnosticSeverity severity, string shown)
    {
        var compilation = TestPolicy.Compile(Unused, severities: new Dictionary<string, DiagnosticSeverity> { ["OWN0301"] = severity });
        compilation.Diagnostics.Where(d => d.Id == "OWN0301").ShouldAllBe(d => d.Severity.ToDisplayString() == shown);
        compilation.HasErrors.ShouldBe(severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Severity_none_hides_the_diagnostic_and_syntax_errors_keep_theirs()
    {
        var none = new Dictionary<string, DiagnosticSeverity> { ["OWN0301"] = DiagnosticSeverity.Hidden, ["OWN0001"] = DiagnosticSeverity.Hidden };
        TestPolicy.Compile(Unused, severities: none).Diagnostics.ShouldBeEmpty();
        TestPolicy.Compile("policy P\nstages A ->\n", severities: none).Diagnostics.ShouldContain(d => d.Id == "OWN0001" && d.IsError);
    }
}
