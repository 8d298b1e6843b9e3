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

    [Fact]
    public void A_next_line_directive_covers_every_line_of_a_multi_line_declaration()
    {
        const string policy = TestPolicy.Prelude + """
            segment S
            owner Sales
            owner Cards
            channel Email
            accountable Sales for * at *
            limit offers per customer: at most 1 per 30 days
            // owner-disable-next-line OWN0302
            offer Card by Cards to S via Email
                  approved by Cards

            """;
        // Unsuppressed, OWN0302 sits on the 'approved by' clause, on the offer's second line.
        string unsuppressed = policy.Replace("// owner-disable-next-line OWN0302\n", "");
        Diagnostic finding = TestPolicy.Compile(unsuppressed).Diagnostics.Single(d => d.Id == "OWN0302");
        finding.Location.LineSpan.Start.Line.ShouldBe(Array.FindIndex(unsuppressed.Split('\n'), l => l.Contains("approved by", StringComparison.Ordinal)) + 1);
        TestPolicy.Ids(policy).ShouldNotContain("OWN0302");
        // The declaration after the offer is not covered.
        TestPolicy.Ids(policy + "owner Idle\n").ShouldContain("OWN0301");
    }

    [Fact]
    public void Accepting_one_vacuum_leaves_the_other_segments_gaps_reported()
    {
        const string policy = TestPolicy.Prelude + """
            segment Retail
            segment Business
            segment Public
            owner Sales
            accountable Sales for Retail at *

            """;
        var vacuums = TestPolicy.Compile(policy).Diagnostics.Where(d => d.Id == "OWN0101").ToList();
        vacuums.Select(d => d.Message).ShouldAllBe(m => !m.Contains("Business") || !m.Contains("Public"));
        vacuums.Count.ShouldBe(2);
        var accepted = TestPolicy.Compile(policy.Replace("segment Business", "// owner-disable-next-line OWN0101\nsegment Business")).Diagnostics
            .Where(d => d.Id == "OWN0101").ToList();
        accepted.Single().Message.ShouldContain("Public");
    }

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
