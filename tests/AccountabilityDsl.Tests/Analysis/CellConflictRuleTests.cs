using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

public class CellConflictRuleTests
{
    private const string Policy = TestPolicy.Prelude + """
        segment Retail
        segment Business
        owner Sales
        owner Service
        accountable Sales for * at *

        """;

    [Fact]
    public void Two_owners_claiming_the_same_cells_are_reported_once_with_every_claim_related() =>
        Baseline.Verify(TestPolicy.Diagnostics(Policy + "accountable Service for Retail at Active..Retention\n"), "Rules/OWN0102.fires.txt");

    [Fact]
    public void Disjoint_claims_are_clean() =>
        TestPolicy.Ids(TestPolicy.Prelude + """
            segment Retail
            segment Business
            owner Sales
            owner Service
            accountable Sales for Retail at *
            accountable Service for Business at *
            """).ShouldNotContain("OWN0102");
}
