using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

public class ExplainCommandTests
{
    [Fact]
    public void Explains_a_customer_stage_by_stage() =>
        Baseline.Verify(
            Ownerc.Run("explain", "samples/retail-bank.owner", "--customer", "assets=100000,tenure_years=0,owns_boat=true,region=East").Render(),
            "Explain/customer.txt");

    [Fact]
    public void Explains_one_stage_only_when_asked() =>
        Baseline.Verify(
            Ownerc.Run("explain", "samples/retail-bank.owner", "--customer", "assets=300000,tenure_years=5,owns_boat=false,region=West", "--stage", "Retention").Render(),
            "Explain/customer-one-stage.txt");

    [Fact]
    public void Explains_a_segment_and_stage_cell_with_its_claims() =>
        Baseline.Verify(
            Ownerc.Run("explain", "samples/hr-outsourcer.owner", "--segment", "MidClients", "--stage", "Renewal").Render(),
            "Explain/cell-conflict.txt");

    [Theory]
    [InlineData("explain")]
    [InlineData("explain samples/retail-bank.owner")]
    [InlineData("explain samples/retail-bank.owner --segment Affluent")]
    [InlineData("explain samples/retail-bank.owner --segment Afluent --stage Active")]
    [InlineData("explain samples/retail-bank.owner --segment Affluent --stage Activ")]
    [InlineData("explain samples/retail-bank.owner --customer assets=1")]
    [InlineData("explain samples/retail-bank.owner --customer")]
    [InlineData("explain samples/retail-bank.owner --custmer a=1")]
    [InlineData("explain missing.owner --customer a=1")]
    public void Usage_mistakes_exit_2_with_one_clear_line(string commandLine)
    {
        CliResult result = Ownerc.Run(commandLine.Split(' '));
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("ownerc: error: ");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void Customer_and_segment_together_are_refused_by_name()
    {
        CliResult result = Ownerc.Run("explain", "samples/retail-bank.owner", "--customer", "assets=1,tenure_years=1,owns_boat=true,region=North", "--segment", "Affluent", "--stage", "Active");
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("ownerc: error: give either --customer or --segment, not both");
    }

    [Fact]
    public void A_misspelt_assigned_segment_gets_a_suggestion() =>
        Ownerc.Run("explain", "samples/hr-outsourcer.owner", "--customer", "segment=SmalClients").Stderr
            .ShouldContain("'SmalClients' is not an assigned segment of policy HrOutsourcer; did you mean 'SmallClients'?");

    [Fact]
    public void A_policy_with_syntax_or_name_errors_is_not_explained()
    {
        using var temp = new TempFolder();
        temp.Write("broken.owner", "policy Broken\nstages A -> B\nsegment S\naccountable Nobody for S at *\n");
        CliResult result = Ownerc.RunIn(temp.Path, "explain", "broken.owner", "--segment", "S", "--stage", "A");
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("unknown owner 'Nobody'");
        result.Stderr.ShouldContain("has syntax or name errors; run 'ownerc check broken.owner'");
    }

    [Fact]
    public void A_cell_lists_its_offers_and_the_superior_whose_approval_counts() =>
        Baseline.Verify(
            Ownerc.Run("explain", "samples/key-accounts.owner", "--segment", "LargeCorporate", "--stage", "Active").Render(),
            "Explain/cell-offer-approved-up-the-line.txt");

    [Fact]
    public void A_cell_names_the_nearest_approver_up_the_line_the_line_in_between_and_an_unapproved_offer()
    {
        using var temp = new TempFolder();
        temp.Write("line.owner", """
            policy Line
            stages Active
            segment Retail
            owner President
            owner Head reports to President
            owner Manager reports to Head
            owner Outsider
            accountable Manager for Retail at *
            channel Email
            offer Upgrade by Outsider to Retail via Email approved by President
            offer Savings by Outsider to * via Email
            offer Own by Manager to Retail via Email
            """);
        CliResult result = Ownerc.RunIn(temp.Path, "explain", "line.owner", "--segment", "Retail", "--stage", "Active");
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("  Upgrade (line 10): approved by President, to whom Manager reports through Head\n");
        result.Stdout.ShouldContain("  Savings (line 11): not approved: neither Manager nor anyone Manager reports to (Head, President) sponsors or approves it (OWN0302)\n");
        result.Stdout.ShouldContain("  Own (line 12): sponsored by Manager, the accountable owner\n");

        // check reports exactly the offer explain calls unapproved.
        CliResult check = Ownerc.RunIn(temp.Path, "check", "line.owner");
        check.Stdout.Split('\n').Where(l => l.Contains("error OWN0302")).ShouldHaveSingleItem().ShouldContain("Savings");
    }
}
