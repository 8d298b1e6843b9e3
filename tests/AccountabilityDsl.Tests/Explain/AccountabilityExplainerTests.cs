using AccountabilityDsl.Explain;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Explain;

public class AccountabilityExplainerTests
{
    private static PolicyCompilation RetailBank() =>
        PolicyCompilation.Create(SourceText.FromFile(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")));

    [Fact]
    public void Explains_an_affluent_boater_stage_by_stage()
    {
        var explainer = new AccountabilityExplainer(RetailBank().Policy);
        var customer = explainer.ParseCustomer("assets=750000, tenure_years=2, owns_boat=true, region=North", out string? error);
        error.ShouldBeNull();
        Baseline.Verify(explainer.Describe(customer!), "Explain/retail-bank-affluent-boater.txt");
    }

    [Fact]
    public void Shows_a_vacuum_and_a_conflict_when_the_policy_has_them()
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/car-maker.owner"));
        var explainer = new AccountabilityExplainer(TestPolicy.Compile(text, "samples/car-maker.owner").Policy);
        var customer = explainer.ParseCustomer("channel_of_purchase=Online,vehicles_owned=2", out _);
        var stages = explainer.Explain(customer!);
        stages.Single(s => s.Stage.Name == "OutOfWarranty").IsVacuum.ShouldBeTrue();
        stages.Single(s => s.Stage.Name == "Purchase").IsConflict.ShouldBeTrue();
        Baseline.Verify(explainer.Describe(customer!), "Explain/car-maker-online-multicar.txt");
    }

    [Theory]
    [InlineData("assets=1", "missing: tenure_years, owns_boat, region")]
    [InlineData("asets=1", "has no attribute 'asets'")]
    [InlineData("assets=lots,tenure_years=1,owns_boat=true,region=North", "'assets' is a decimal")]
    [InlineData("assets=1,tenure_years=1.5,owns_boat=true,region=North", "'tenure_years' is an int")]
    [InlineData("assets=1,tenure_years=1,owns_boat=yes,region=North", "'owns_boat' is a bool")]
    [InlineData("assets=1,tenure_years=1,owns_boat=true,region=Central", "'Central' is not a member of 'region'")]
    [InlineData("assets", "not of the form name=value")]
    [InlineData("asets=1,tenure_years=1,owns_boat=true,region=North", "did you mean 'assets'?")]
    [InlineData("assets=1,tenure_years=1,owns_boat=true,region=North,assets=500000", "'assets' is given more than once")]
    [InlineData("assets=1,tenure_years=99999999999,owns_boat=true,region=North", "write a whole number from -2147483648 to 2147483647, not '99999999999'")]
    [InlineData("assets=1,tenure_years=1,owns_boat=true,region=North,segment=Affluent", "policy RetailBank has no assigned segments")]
    public void Rejects_customers_that_do_not_fit_the_policy_with_a_clear_message(string customer, string expected)
    {
        new AccountabilityExplainer(RetailBank().Policy).ParseCustomer(customer, out string? error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(expected);
    }
}
