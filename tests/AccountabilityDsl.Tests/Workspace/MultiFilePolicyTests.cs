using AccountabilityDsl.Binding;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Matrix;
using AccountabilityDsl.Tests.Infrastructure;
using AccountabilityDsl.Text;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Tests.Workspace;

/// <summary>
/// One policy, several files: files whose headers name the same policy bind as one (names
/// resolve across them, every rule runs over the whole), diagnostics are anchored in the file of
/// their declaration, related locations cross files, and the workspace groups files by policy.
/// </summary>
public class MultiFilePolicyTests
{
    private const string Core = """
        policy Shop namespace Contoso.Shop
        stages Prospect -> Active
        segment Retail
        owner Sales
        owner OffersTeam
        channel Email
        accountable Sales for * at *
        limit offers per customer: at most 2 per 30 days

        """;

    private static PolicyCompilation Compile(params (string Path, string Text)[] files) =>
        PolicyCompilation.Create(files.Select(f => SourceText.From(f.Text, f.Path)));

    [Fact]
    public void Names_resolve_across_files_and_the_whole_checks_clean()
    {
        PolicyCompilation compilation = Compile(
            ("core.owner", Core),
            ("offers.owner", "policy Shop\noffer Welcome by OffersTeam to Retail at Active via Email approved by Sales\n"));

        compilation.Diagnostics.ShouldBeEmpty();
        compilation.SyntaxTrees.Select(t => t.FilePath).ShouldBe(["core.owner", "offers.owner"]);
        compilation.Policy.Offers.Single().Sponsor!.Name.ShouldBe("OffersTeam");
        compilation.Policy.Namespace.ShouldBe("Contoso.Shop");
        compilation.Policy.LineReference(compilation.Policy.Offers[0].Syntax).ShouldBe("line 2 of offers.owner");
    }

    [Fact]
    public void A_declaration_duplicated_across_files_is_OWN0003_with_both_locations() =>
        Baseline.Render(Compile(("core.owner", Core), ("more.owner", "policy Shop\nowner Sales\nstages Late\n")).Diagnostics).ShouldBe("""
            more.owner(2,7,2,12): error OWN0003: owner 'Sales' is already declared on line 4 of core.owner
                related core.owner(4,7,4,12): owner Sales is first declared here
            more.owner(3,1,3,12): error OWN0003: the lifecycle 'stages' is already declared on line 2 of core.owner; a policy has one 'stages' line
                related core.owner(2,1,2,26): the lifecycle is declared here

            """.ReplaceLineEndings("\n"));

    [Fact]
    public void A_cell_claimed_from_two_files_names_the_file_of_each_claim()
    {
        PolicyCompilation compilation = Compile(
            ("core.owner", Core),
            ("service.owner", "policy Shop\nowner Service\naccountable Service for Retail at Active\n"));

        Diagnostic conflict = compilation.Diagnostics.Single(d => d.Id == "OWN0102");
        conflict.Message.ShouldStartWith("Sales and Service (line 7 of core.owner, line 3 of service.owner) both claim Retail at Active");
        conflict.Location.FilePath.ShouldBe("service.owner");
    }

    [Fact]
    public void A_limit_that_never_applies_names_the_file_of_each_limit()
    {
        PolicyCompilation compilation = Compile(
            ("core.owner", Core),
            ("email.owner", "policy Shop\nlimit offers per customer: at most 3 per 30 days\n"));

        Baseline.Render(compilation.Diagnostics.Where(d => d.Id == "OWN0201")).ShouldBe("""
            email.owner(2,1,2,49): warning OWN0201: limit on offers per customer (line 2 of email.owner) can never be the one that applies: the stricter limit on offers per customer (line 8 of core.owner, at most 2 per 30 days) counts every contact it counts; remove it
                related core.owner(8,1,8,49): the stricter limit that applies (at most 2 per 30 days on offers per customer)

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_unsendable_offer_names_the_file_of_each_blocking_limit()
    {
        PolicyCompilation compilation = Compile(
            ("core.owner", Core),
            ("offers.owner", "policy Shop\noffer Welcome by Sales to Retail at Active via Email\nlimit Welcome per customer: at most 0 per 30 days\n"),
            ("email.owner", "policy Shop\nlimit Email per customer: at most 0 per 1 day\n"));

        compilation.Diagnostics.Single(d => d.Id == "OWN0203").Message.ShouldBe(
            "offer Welcome can never be sent: the limit on Welcome (line 3 of offers.owner) allows at most 0; "
            + "and its only channel is blocked (Email limited to 0 on line 2 of email.owner); raise the limit above 0 or remove the offer");
    }

    [Fact]
    public void Claims_in_one_file_of_several_are_named_once_with_that_file()
    {
        PolicyCompilation compilation = Compile(
            ("core.owner", Core + "accountable OffersTeam for Retail at Active\n"),
            ("offers.owner", "policy Shop\noffer Welcome by OffersTeam to Retail at Active via Email approved by Sales\n"));

        compilation.Diagnostics.Single(d => d.Id == "OWN0102").Message
            .ShouldStartWith("Sales and OffersTeam (lines 7, 9 of core.owner) both claim Retail at Active");
    }

    [Fact]
    public void Different_namespaces_are_OWN0007_and_one_namespace_in_one_file_is_enough()
    {
        Baseline.Render(Compile(("core.owner", Core), ("offers.owner", "policy Shop namespace Contoso.Other\n")).Diagnostics).ShouldBe("""
            offers.owner(1,23,1,36): error OWN0007: policy 'Shop' is given namespace 'Contoso.Other' here but 'Contoso.Shop' in core.owner; give the namespace in one file only, or the same one in every file
                related core.owner(1,1,1,35): namespace Contoso.Shop is given here

            """.ReplaceLineEndings("\n"));

        Compile(("core.owner", Core), ("same.owner", "policy Shop namespace Contoso.Shop\n")).Diagnostics.Select(d => d.Id).ShouldNotContain("OWN0007");
    }

    [Fact]
    public void Rule_findings_are_anchored_in_their_declaration_s_file_and_suppressed_there_only()
    {
        const string Offer = "policy Shop\noffer Welcome by OffersTeam to Retail at Active via Email\n";
        PolicyCompilation compilation = Compile(("core.owner", Core), ("offers.owner", Offer));
        Diagnostic approval = compilation.Diagnostics.Single();
        approval.Id.ShouldBe("OWN0302");
        approval.Location.FilePath.ShouldBe("offers.owner");
        approval.Related.ShouldNotBeEmpty();
        approval.Related.ShouldAllBe(r => r.Location.FilePath == "core.owner");

        // A file's directives cover that file only.
        Compile(("core.owner", "// owner-disable OWN0302\n" + Core), ("offers.owner", Offer)).Diagnostics.Select(d => d.Id).ShouldBe(["OWN0302"]);
        Compile(("core.owner", Core), ("offers.owner", "// owner-disable OWN0302\n" + Offer)).Diagnostics.ShouldBeEmpty();
        Compile(("core.owner", Core), ("offers.owner", Offer.Replace("offer Welcome", "// owner-disable-next-line OWN0007\noffer Welcome")))
            .Diagnostics.Select(d => d.Id).ShouldBe(["OWN0302"]);
    }

    [Fact]
    public void Severities_from_editorconfig_apply_per_file()
    {
        PolicyCompilation compilation = PolicyCompilation.Create(
            [SourceText.From(Core + "owner Idle\n", "a/core.owner"), SourceText.From("policy Shop\nowner Idle2\n", "b/more.owner")],
            CompilationOptions.Default.WithFileSeverities("b/more.owner", [new("OWN0301", DiagnosticSeverity.Error)]));

        compilation.Diagnostics.Select(d => $"{d.Location.FilePath} {d.Severity.ToDisplayString()} {d.Id}").Distinct().ShouldBe(
            ["a/core.owner warning OWN0301", "b/more.owner error OWN0301"]);
    }

    [Fact]
    public void The_workspace_groups_files_by_policy_name_in_path_order()
    {
        IReadOnlyList<PolicyCompilation> policies = PolicyWorkspace.Open(["samples"], Baseline.RepoRoot).Compile();
        PolicyCompilation bank = policies.Single(p => p.PolicyName == "HighStreetBank");
        bank.SyntaxTrees.Select(t => t.FilePath).ShouldBe([
            "samples/high-street-bank/core.owner",
            "samples/high-street-bank/offers/boats.owner",
            "samples/high-street-bank/offers/mortgages.owner",
        ]);
        bank.Diagnostics.ShouldBeEmpty();
        policies.Select(p => p.PolicyName).ShouldBeUnique();
        policies.Where(p => p.PolicyName == "RetailBank").ShouldHaveSingleItem().SyntaxTrees.ShouldHaveSingleItem();
    }

    [Fact]
    public void Matrix_and_explain_say_which_file_decided_a_cell_and_emit_names_every_file()
    {
        PolicyCompilation bank = PolicyWorkspace.Open(["samples/high-street-bank"], Baseline.RepoRoot).Compile().Single();
        AccountabilityMatrix matrix = AccountabilityMatrix.Build(bank);
        MatrixCell cell = matrix[bank.Policy.Segments.Single(s => s.Name == "Affluent"), bank.Policy.Stages.Single(s => s.Name == "Active")];
        cell.Claims.Single().Where.ShouldBe("line 34 of core.owner");
        MatrixWriter.Write(matrix, MatrixFormat.Html).ShouldContain("line 34 of core.owner: accountable AffluentSegmentManager for Affluent");

        var explainer = new AccountabilityExplainer(bank.Facts);
        explainer.Describe(explainer.ParseCustomer("assets=300000,tenure_years=3,owns_boat=true,owns_home=false,region=North", out _)!, null)
            .ShouldContain("(line 13 of core.owner: where assets >= 250000)");

        EmitResult emitted = CSharpEmitter.Emit(bank);
        emitted.Success.ShouldBeTrue();
        emitted.Source.ShouldContain("public const string SourceFile = \"core.owner, offers/boats.owner, offers/mortgages.owner\";");
        emitted.Source.ShouldContain("Remortgage");
        emitted.Source.ShouldContain("new global::AccountabilityDsl.Runtime.SourceLine(\"offers/mortgages.owner\", 7,");
    }

    /// <summary>
    /// Two files of one name in different folders: generated code, the runtime's rules and the
    /// messages name each by its path from the policy's root, wherever the compiler ran.
    /// </summary>
    [Fact]
    public void Files_of_one_name_in_different_folders_are_named_by_their_path_in_the_policy()
    {
        PolicyCompilation compilation = Compile(
            ("policies/bank/core.owner", Core),
            ("policies/bank/north/limits.owner", "policy Shop\nlimit Email per customer: at most 1 per 7 days\n"),
            ("policies/bank/south/limits.owner", "policy Shop\n\nlimit contacts per customer: at most 5 per 30 days\n"));
        compilation.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        BoundPolicy policy = compilation.Policy;
        policy.Trees.Select(policy.PathInPolicy).ShouldBe(["core.owner", "north/limits.owner", "south/limits.owner"]);
        policy.LineReference(policy.Limits[1].Syntax).ShouldBe("line 2 of north/limits.owner");

        EmitResult emitted = CSharpEmitter.Emit(compilation);
        emitted.Success.ShouldBeTrue();
        emitted.Source.ShouldContain("public const string SourceFile = \"core.owner, north/limits.owner, south/limits.owner\";");
        emitted.Source.ShouldContain("new global::AccountabilityDsl.Runtime.SourceLine(\"north/limits.owner\", 2, \"limit Email per customer: at most 1 per 7 days\")");
        emitted.Source.ShouldContain("new global::AccountabilityDsl.Runtime.SourceLine(\"south/limits.owner\", 3, \"limit contacts per customer: at most 5 per 30 days\")");

        var runtime = AccountabilityDsl.Runtime.Compiled.ContactPolicyBuilder.Build(policy);
        runtime.Limits.Select(l => $"{l.Source}").ShouldBe(["core.owner:8", "north/limits.owner:2", "south/limits.owner:3"]);

        // A one-file policy is named by its file name, whatever folder it is in.
        PolicyCompilation single = Compile(("policies/bank/retail.owner", Core));
        single.Policy.PathInPolicy(single.Policy.Trees[0]).ShouldBe("retail.owner");
    }

    [Fact]
    public void Shared_facts_are_computed_once_per_compilation()
    {
        PolicyCompilation bank = PolicyWorkspace.Open(["samples/high-street-bank"], Baseline.RepoRoot).Compile().Single();
        _ = bank.Diagnostics;
        PolicyFacts facts = bank.Facts;
        AccountabilityMatrix.Build(bank);
        bank.Facts.ShouldBeSameAs(facts);
        facts.OverlappingOwnedPairs.ShouldBeSameAs(facts.OverlappingOwnedPairs);
        facts.SegmentsWithoutOwnerAt(bank.Policy.Stages[0]).ShouldBeSameAs(facts.SegmentsWithoutOwnerAt(bank.Policy.Stages[0]));
    }
}
