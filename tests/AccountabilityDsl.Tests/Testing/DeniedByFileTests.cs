using AccountabilityDsl.Runtime.Compiled.Testing;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Testing;

/// <summary>
/// <c>denied by &lt;file&gt; line N</c> in a policy of several files: the file is resolved by its path
/// relative to the test file's folder, so two files of one name in different folders are told
/// apart, both in what a step expects and in the lines a failure cites.
/// </summary>
public sealed class DeniedByFileTests
{
    // Both limits are on line 3 of a file named limits.owner.
    private static readonly PolicyCompilation Shop = PolicyCompilation.Create(
    [
        SourceText.From("policy Shop\nstages A\nsegment S\nowner O\naccountable O for S at A\n", "suite/shop.owner"),
        SourceText.From("policy Shop\nchannel Email\nlimit Email per customer: at most 1 per 1 day\n", "suite/retail/limits.owner"),
        SourceText.From("policy Shop\nchannel Phone\nlimit Phone per customer: at most 1 per 1 day\n", "suite/wholesale/limits.owner"),
    ]);

    private static TestResult Run(string steps)
    {
        Shop.HasErrors.ShouldBeFalse(string.Join("\n", Shop.Diagnostics));
        TestFileResult result = new PolicyTestRunner([Shop]).Run(TestFileSyntax.Parse(SourceText.From("test \"t\" for Shop\n" + steps, "suite/shop.owner-test")));
        result.Diagnostics.ShouldBeEmpty();
        return result.Tests.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_step_that_names_the_file_holds_only_for_the_rule_in_that_file()
    {
        TestResult result = Run(
            "  at 2026-01-05 09:00: contact c1 via Email: allowed\n"
            + "  at 2026-01-05 10:00: contact c1 via Email: denied by retail/limits.owner line 3\n"
            + "  at 2026-01-05 10:00: contact c1 via Phone: allowed\n"
            + "  at 2026-01-05 11:00: contact c1 via Phone: denied by wholesale/limits.owner line 3, retry 2026-01-06 10:00\n"
            + "  at 2026-01-05 12:00: contact c1 via Phone: denied by retail/limits.owner line 3\n"
            + "  at 2026-01-05 12:00: contact c1 via Phone: denied by line 3\n");

        result.Diagnostics.ShouldBeEmpty();
        TestFailure failure = result.Failures.ShouldHaveSingleItem();
        failure.Line.ShouldBe(6);
        failure.Expected.ShouldBe("contact c1 via Phone: denied by retail/limits.owner line 3");
        failure.Actual.ShouldBe("contact c1 via Phone: denied by wholesale/limits.owner line 3 (Phone contacts per customer: at most 1 per 1 day), retry 2026-01-06 10:00");
        // Each rule is cited in its own file, though both files have one name.
        failure.PolicyLines.ShouldBe([
            "suite/wholesale/limits.owner(3): limit Phone per customer: at most 1 per 1 day",
            "suite/retail/limits.owner(3): limit Email per customer: at most 1 per 1 day",
        ]);
    }

    [Fact]
    public void A_file_that_is_not_the_policy_s_is_an_unknown_name_with_the_files_it_could_be()
    {
        TestResult result = Run("  at 2026-01-05 09:00: contact c1 via Email: denied by limits.owner line 3\n");

        result.Failures.ShouldBeEmpty();
        result.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            "suite/shop.owner-test(2,56): error OWN0902: policy Shop has no file 'limits.owner' "
            + "(its files, from this test file's folder: shop.owner, retail/limits.owner, wholesale/limits.owner)");
    }

    [Fact]
    public void A_line_alone_still_matches_the_rule_on_that_line_of_any_file()
    {
        TestResult result = Run(
            "  at 2026-01-05 09:00: contact c1 via Phone: allowed\n"
            + "  at 2026-01-05 10:00: contact c1 via Phone: denied by line 3\n");

        result.Passed.ShouldBeTrue(string.Join("\n", result.Failures));
    }

    [Fact]
    public void A_number_where_the_file_or_line_goes_says_what_may_come_there()
    {
        TestFileSyntax file = TestFileSyntax.Parse(SourceText.From("test \"t\"\n  at 2026-01-05 09:00: contact c1 via Email: denied by 3\n", "shop.owner-test"));

        file.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            "shop.owner-test(2,56): error OWN0901: expected 'line' or a policy file such as retail.owner, but found '3'");
    }
}
