using AccountabilityDsl.Diff;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Diff;

/// <summary><c>ownerc diff</c> pairs the policies of two versions by name, not by file.</summary>
public class PolicyPairingTests
{
    private static string FileKey(AccountabilityDsl.Syntax.SyntaxTree tree) => Path.GetFileName(tree.FilePath);

    [Fact]
    public void Policies_pair_by_name_whatever_their_files_and_a_policy_one_side_lacks_is_added_or_removed()
    {
        PolicyCompilation[] old =
        [
            TestPolicy.Compile("policy Same\nstages A\n", "same.owner"),
            TestPolicy.Compile("policy Gone\nstages A\n", "gone.owner"),
            TestPolicy.Compile("policy Swap\nstages A\n", "swap.owner"),
        ];
        PolicyCompilation[] now =
        [
            TestPolicy.Compile("policy Added\nstages A\n", "swap.owner"),
            TestPolicy.Compile("policy Swap\nstages A\n", "renamed.owner"),
            TestPolicy.Compile("policy Same\nstages A\n", "elsewhere/same.owner"),
        ];

        IReadOnlyList<PolicyVersions> pairs = PolicyPairing.Pair(old, now, FileKey);

        pairs.Select(p => (p.Name, p.Old?.SyntaxTree.FilePath, p.New?.SyntaxTree.FilePath)).ShouldBe(
        [
            ("Added", null, "swap.owner"),
            ("Gone", "gone.owner", null),
            ("Same", "same.owner", "elsewhere/same.owner"),
            ("Swap", "swap.owner", "renamed.owner"),
        ]);
    }

    [Fact]
    public void One_policy_against_one_policy_pairs_even_when_renamed_and_the_diff_says_so()
    {
        PolicyCompilation old = TestPolicy.Compile("policy Before\nstages A\n", "a.owner");
        PolicyCompilation now = TestPolicy.Compile("policy After\nstages A\n", "b.owner");

        PolicyVersions pair = PolicyPairing.Pair([old], [now], FileKey).ShouldHaveSingleItem();

        pair.Old.ShouldBe(old);
        pair.New.ShouldBe(now);
        PolicyDiffer.Compare(old, now).Notes.ShouldBe(["the policy is renamed from Before to After"]);
    }

    [Fact]
    public void Files_without_a_policy_header_pair_by_their_key()
    {
        PolicyCompilation[] old = [TestPolicy.Compile("stages A\n", "x.owner"), TestPolicy.Compile("policy P\nstages A\n", "p.owner")];
        PolicyCompilation[] now = [TestPolicy.Compile("stages B\n", "x.owner"), TestPolicy.Compile("policy P\nstages A\n", "p.owner"), TestPolicy.Compile("stages C\n", "y.owner")];

        IReadOnlyList<PolicyVersions> pairs = PolicyPairing.Pair(old, now, FileKey);

        pairs.Select(p => (p.Old?.SyntaxTree.FilePath, p.New?.SyntaxTree.FilePath)).ShouldBe(
            [("p.owner", "p.owner"), ("x.owner", "x.owner"), (null, "y.owner")]);
    }

    /// <summary>The same conflict told in one file or across two, with other line references in its message: the same finding.</summary>
    [Fact]
    public void A_conflict_told_in_one_file_or_in_two_is_the_same_finding()
    {
        const string oneFile = """
            policy Conflict
            segment Retail
            stages Active
            owner Sales
            owner Marketing
            accountable Sales for Retail at Active
            accountable Marketing for Retail at Active
            """;
        const string twoFiles = """
            // file: core.owner
            policy Conflict
            segment Retail
            stages Active
            owner Sales
            owner Marketing
            accountable Sales for Retail at Active
            // file: marketing.owner
            policy Conflict
            accountable Marketing for Retail at Active
            """;
        PolicyCompilation old = TestPolicy.Compile(oneFile, "conflict.owner");
        PolicyCompilation now = TestPolicy.Compile(twoFiles);
        old.Diagnostics.ShouldContain(d => d.Id == "OWN0102");
        // "(line 7 of core.owner, line 3 of marketing.owner)" against "(lines 6, 7)".
        now.Diagnostics.ShouldContain(d => d.Id == "OWN0102" && d.Location.FilePath == "marketing.owner" && d.Message.Contains("of core.owner", StringComparison.Ordinal));

        PolicyDiff diff = PolicyDiffer.Compare(old, now);

        diff.IsEmpty.ShouldBeTrue(string.Join("\n", diff.FindingsAdded.Concat(diff.FindingsRemoved)));
    }
}
