using AccountabilityDsl.Formatting;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Formatting;

/// <summary>The canonical layout (docs/formatting.md), example by example.</summary>
public class PolicyFormatterTests
{
    public static TheoryData<string> Samples() =>
        [.. Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner", SearchOption.AllDirectories)
            .Select(Baseline.Relative)
            .Order(StringComparer.Ordinal)];

    /// <summary>Odd spacing, comments everywhere, CRLF line endings (and one stray LF).</summary>
    public const string Messy =
        "   // Messy: odd spacing, comments everywhere, CRLF line endings.   \r\n" +
        "\r\n" +
        "\r\n" +
        "policy   Messy    namespace Contoso . Messy   // trailing on the header\r\n" +
        "attribute assets :decimal\r\n" +
        "attribute   region:enum{North,South ,East}\n" +
        "attribute vip : bool   \r\n" +
        "\r\n" +
        "\r\n" +
        "\r\n" +
        "    /* a block comment   \r\n" +
        "       over two lines */\r\n" +
        "segment Big\"Assets of \\\"1M\\\" or more, in \\\\ units\"where assets>=1000000 and(region==North or region in{South,East})\r\n" +
        "segment Small where not vip and assets < - 5.50\r\n" +
        "segment Assigned\r\n" +
        "stages Lead->Customer   ->Loyal\r\n" +
        "owner   Sales   \"The sales team\"\r\n" +
        "owner Service /* inline */\r\n" +
        "channel Email capacity 100 per days\r\n" +
        "channel Phone\r\n" +
        "accountable Sales for Big,Small at Lead..Customer // who sells\r\n" +
        "accountable   Service   for *   at   Loyal\r\n" +
        "responsible Service for Assigned at * via Email,Phone\r\n" +
        "\r\n" +
        "offer PremiumUpgradeCampaign by Sales to Big, Small approved by Service, Sales priority 5 via Email, Phone min cell 10 at Customer..Loyal\r\n" +
        "offer Tiny by Sales to Small via Email\r\n" +
        "offer Split by Sales /* why */ to Big\r\n" +
        "  via Email\r\n" +
        "limit offers per customer:at most 2 per 30 days calendar\r\n" +
        "/* before cooldown */ cooldown 7 days after Complaint\r\n" +
        "exempt transactional\r\n" +
        "// the end\r\n" +
        "\r\n" +
        "\r\n";

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_has_a_formatted_baseline(string sample)
    {
        string formatted = FormatFile(sample);
        Baseline.Verify(formatted, $"Formatting/{Path.GetFileNameWithoutExtension(sample)}.txt");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_formats_idempotently_and_keeps_its_meaning(string sample)
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, sample));
        FormattingProperties.Check(text);
    }

    [Fact]
    public void The_messy_input_formats_to_its_baseline()
    {
        string formatted = Format(Messy);
        Baseline.Verify(
            "--- input (CR LF shown as ␍)\n" + Messy.Replace("\r", "␍") + "--- formatted\n" + formatted.Replace("\r", "␍"),
            "Formatting/messy.txt");
        FormattingProperties.Check(Messy);
    }

    [Fact]
    public void The_dominant_line_ending_is_kept()
    {
        Format("policy A\r\nstages S\r\n").ShouldBe("policy A\r\nstages S\r\n");
        Format("policy A\r\nstages S\nowner O\n").ShouldBe("policy A\nstages S\nowner O\n");
        Format("policy A\rstages S\r").ShouldBe("policy A\rstages S\r");
        Format("policy A stages S").ShouldBe("policy A\nstages S\n");
    }

    [Fact]
    public void A_file_ends_with_exactly_one_line_break_and_starts_without_blank_lines()
    {
        Format("\n\n\npolicy A\nstages S\n\n\n\n").ShouldBe("policy A\nstages S\n");
        Format("policy A\nstages S").ShouldBe("policy A\nstages S\n");
    }

    [Fact]
    public void An_empty_file_stays_empty_and_a_comment_only_file_keeps_its_comments()
    {
        Format("").ShouldBe("");
        Format("  \n\n ").ShouldBe("");
        Format("// only a comment   \n\n\n/* and\n   another */").ShouldBe("// only a comment\n\n/* and\n   another */\n");
    }

    [Fact]
    public void Blank_lines_between_declarations_collapse_to_one()
    {
        Format("policy A\n\n\n\nstages S\nowner O\n\nowner P\n").ShouldBe("policy A\n\nstages S\nowner O\n\nowner P\n");
    }

    [Fact]
    public void Comments_keep_their_place()
    {
        string text = """
            // file header
            policy A // trailing
              // own line, indented

            /* block */ /* two on a line */
            stages S /* trailing block */ // and a line comment
            /* in front */ owner O
            owner P
            // the end
            """;
        Format(text).ShouldBe("""
            // file header
            policy A // trailing
            // own line, indented

            /* block */ /* two on a line */
            stages S /* trailing block */ // and a line comment
            /* in front */ owner O
            owner P
            // the end

            """);
    }

    [Fact]
    public void A_declaration_with_a_comment_inside_is_kept_as_written()
    {
        string text = "policy A\nsegment   X /* why */ where   a >  1\noffer O by P to *\n   // via what?\n   via E\n";
        Format(text).ShouldBe("policy A\nsegment   X /* why */ where   a >  1\noffer O by P to *\n   // via what?\n   via E\n");
    }

    [Fact]
    public void Spacing_and_punctuation_are_canonical()
    {
        Format("policy A namespace B . C\nattribute r:enum{X,Y}\nsegment S where(r==X or r in{X,Y})and not(a>=-1.50)\nstages P->Q\naccountable O for S,T at P..Q,Q\n")
            .ShouldBe("policy A namespace B.C\nattribute r: enum { X, Y }\nsegment S where (r == X or r in { X, Y }) and not (a >= -1.50)\nstages P -> Q\naccountable O for S, T at P..Q, Q\n");
    }

    [Fact]
    public void Strings_are_re_escaped_canonically() =>
        Format("policy A\nowner O \"say \\\"hi\\\" \\\\ bye\"\n").ShouldBe("policy A\nowner O \"say \\\"hi\\\" \\\\ bye\"\n");

    [Fact]
    public void Numbers_and_time_units_are_kept_as_written() =>
        Format("policy A\nlimit offers per customer: at most 007 per 1 days\ncooldown 1 day after X\nchannel C capacity 10 per weeks\n")
            .ShouldBe("policy A\nlimit offers per customer: at most 007 per 1 days\ncooldown 1 day after X\nchannel C capacity 10 per weeks\n");

    [Fact]
    public void Offer_clauses_come_in_canonical_order() =>
        Format("policy A\noffer X by O to * approved by P priority 2 min cell 3 via E at S\n")
            .ShouldBe("policy A\noffer X by O to * at S via E min cell 3 priority 2 approved by P\n");

    [Fact]
    public void A_long_offer_wraps_approval_first_then_delivery()
    {
        // Head and delivery fit in 100 columns: only the approval goes on its own line.
        Format("policy A\noffer PlatinumCard by CardsProductManager to * via Email, DirectMail, Telemarketing priority 50 approved by EverydayBanking, WealthManagement\n")
            .ShouldBe("policy A\noffer PlatinumCard by CardsProductManager to * via Email, DirectMail, Telemarketing priority 50\n      approved by EverydayBanking, WealthManagement\n");

        // Head and delivery do not fit: three lines, as in the language brief.
        Format("policy A\noffer BoatLoan by BoatLoanProductManager to Boaters at Active via Email, DirectMail min cell 250 priority 40 approved by Sales, AffluentSegmentManager\n")
            .ShouldBe("policy A\noffer BoatLoan by BoatLoanProductManager to Boaters at Active\n      via Email, DirectMail min cell 250 priority 40\n      approved by Sales, AffluentSegmentManager\n");

        // A short offer written over several lines is joined.
        Format("policy A\noffer X by O to *\n   via E\n   approved by P\n").ShouldBe("policy A\noffer X by O to * via E approved by P\n");
    }

    [Fact]
    public void A_line_that_is_still_too_long_is_split_before_each_clause()
    {
        string channels = string.Join(", ", Enumerable.Range(1, 12).Select(i => $"Channel{i:D2}"));
        string formatted = Format($"policy A\noffer X by O to * at S via {channels} min cell 5 priority 1\n");
        formatted.ShouldBe($"policy A\noffer X by O to * at S\n      via {channels}\n      min cell 5\n      priority 1\n");
    }

    [Fact]
    public void Consecutive_assignments_are_aligned_as_a_table()
    {
        string text = """
            policy A
            accountable Marketing for * at Prospect
            accountable Sales for MassMarket, Newcomers at Onboarding..Active
            informed Marketing for * at Retention via Email
            // a comment line ends the table
            accountable X for * at *
            consulted LongerOwnerName for S at T

            responsible Y for * at *
            """;
        Format(text).ShouldBe("""
            policy A
            accountable Marketing for *                     at Prospect
            accountable Sales     for MassMarket, Newcomers at Onboarding..Active
            informed    Marketing for *                     at Retention via Email
            // a comment line ends the table
            accountable X               for * at *
            consulted   LongerOwnerName for S at T

            responsible Y for * at *

            """);
    }

    [Fact]
    public void A_declaration_a_next_line_suppression_points_into_keeps_its_lines()
    {
        // The directive silences line 3; joining the offer would move 'via Email' onto it.
        string text = "policy A\n// owner-disable-next-line OWN0204\noffer X by O to *\n      via Email\nowner   P\n";
        Format(text).ShouldBe("policy A\n// owner-disable-next-line OWN0204\noffer X by O to *\n      via Email\nowner P\n");

        // A one-line declaration that stays one line is formatted as usual.
        Format("policy A\n// owner-disable-next-line OWN0301\nowner   P\n").ShouldBe("policy A\n// owner-disable-next-line OWN0301\nowner P\n");
    }

    [Fact]
    public void A_declaration_after_a_directive_on_its_own_line_is_not_wrapped_onto_the_silenced_line()
    {
        // The directive silences line 3 (owner P). Wrapping the long offer that follows the
        // directive on line 2 would move its 'via Email' onto line 3 and silence the offer instead
        // (found by FormattingPropertyTests, seed 6eQvcuOOf2T8).
        string offer = "offer SaverPlus by SavingsProductManager to * via Email, DirectMail priority 30";
        string text = $"policy A\n/* owner-disable-next-line OWN0301 */ {offer}\nowner   P\n";
        string formatted = Format(text);
        formatted.ShouldBe($"policy A\n/* owner-disable-next-line OWN0301 */ {offer}\nowner P\n");
        Format(formatted).ShouldBe(formatted);
    }

    [Fact]
    public void Two_declarations_on_one_line_are_split_unless_a_directive_points_at_that_line()
    {
        Format("policy A\nowner B   owner C\n").ShouldBe("policy A\nowner B\nowner C\n");

        // Splitting would take 'owner C' out of the directive's line.
        Format("policy A\n// owner-disable-next-line OWN0301\nowner B   owner C\n").ShouldBe("policy A\n// owner-disable-next-line OWN0301\nowner B owner C\n");

        // Splitting would put 'owner C' on the line the directive silences.
        Format("policy A\nowner B /* owner-disable-next-line OWN0301 */ owner C\nowner D\n")
            .ShouldBe("policy A\nowner B /* owner-disable-next-line OWN0301 */ owner C\nowner D\n");
    }

    [Fact]
    public void A_file_with_syntax_errors_is_not_formatted()
    {
        SyntaxTree tree = SyntaxTree.Parse("policy A\nsegment where x >\n");
        PolicyFormatter.Format(tree).ShouldBeNull();

        FormattingResult result = PolicyFormatter.Format(SourceText.From("policy A\nowner\n"));
        result.Success.ShouldBeFalse();
        result.FormattedText.ShouldBeNull();
        result.Diagnostics.ShouldContain(d => d.Id == "OWN0001");
    }

    [Fact]
    public void A_file_with_only_semantic_errors_is_formatted()
    {
        // Unknown names and a missing 'stages' are for 'ownerc check'; the layout is still fixable.
        FormattingResult result = PolicyFormatter.Format(SourceText.From("policy   A\naccountable Nobody for * at *\n"));
        result.FormattedText.ShouldBe("policy A\naccountable Nobody for * at *\n");
        result.Changed.ShouldBeTrue();
    }

    private static string Format(string text) =>
        PolicyFormatter.Format(SyntaxTree.Parse(text)) ?? throw new InvalidOperationException("has syntax errors:\n" + text);

    private static string FormatFile(string sample) =>
        PolicyFormatter.Format(SyntaxTree.Parse(SourceText.FromFile(Path.Combine(Baseline.RepoRoot, sample))))!;
}
