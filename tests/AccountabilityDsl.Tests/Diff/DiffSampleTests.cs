using System.Text;
using AccountabilityDsl.Diff;
using AccountabilityDsl.Formatting;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Diff;

/// <summary><c>ownerc diff</c>'s comparison on the real samples.</summary>
public class DiffSampleTests
{
    public static TheoryData<string> Samples() =>
        [.. Directory.GetFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_sample_reordered_and_reformatted_is_no_change(string sample)
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples", sample));
        string reordered = Reorder(text);
        reordered.ShouldNotBe(text);
        PolicyDiff diff = PolicyDiffer.Compare(TestPolicy.Compile(text, sample), TestPolicy.Compile(reordered, "reordered.owner"));
        diff.IsEmpty.ShouldBeTrue($"--- reordered\n{reordered}\n--- moves\n{string.Join("\n", diff.Moves)}\n{string.Join("\n", diff.FindingsAdded.Concat(diff.FindingsRemoved))}");
    }

    [Fact]
    public void Lowering_the_affluent_threshold_moves_customers_with_witnesses()
    {
        string text = File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner"));
        string edited = text
            .Replace("where assets >= 250000", "where assets >= 200000", StringComparison.Ordinal)
            .Replace("where assets < 250000 and tenure_years >= 1", "where assets < 200000 and tenure_years >= 1", StringComparison.Ordinal);
        PolicyDiff diff = PolicyDiffer.Compare(TestPolicy.Compile(text, "retail-bank.owner"), TestPolicy.Compile(edited, "edited.owner"));

        OwnerMove moved = diff.Moves.Single(m => m.Kind == MoveKind.OwnerChanged && m.Stages.Contains("Active"));
        moved.Before.Owners.ShouldBe(["Sales"]);
        moved.After.Owners.ShouldBe(["AffluentSegmentManager"]);
        moved.Customers.ShouldBe("200000 <= assets < 250000 and tenure_years >= 1");
        moved.Witness.ToString().ShouldBe("assets = 200000, tenure_years = 1, owns_boat = false, region = North");
        moved.NewDeclarations.Select(l => l.Line).ShouldBe([13, 34]);

        // Newcomers keep Sales through their own segment: Affluent now overlaps them.
        diff.Moves.ShouldContain(m => m.Kind == MoveKind.NewConflict);
        diff.AddsErrors.ShouldBeTrue();
    }

    /// <summary>
    /// The same policy in another order and layout: the header first, then every declaration
    /// except accountable claims and offers in reverse (their relative order decides which claim
    /// wins a contested cell and which offer wins arbitration, so it is kept), each declaration
    /// with the comments above it (suppressions stay attached), then the formatter's layout.
    /// </summary>
    internal static string Reorder(string text)
    {
        SyntaxTree tree = SyntaxTree.Parse(text);
        var pieces = new List<(DeclarationSyntax Declaration, string Text)>();
        int previousEnd = 0;
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            pieces.Add((declaration, text[previousEnd..declaration.Span.End].Trim('\n') + "\n"));
            previousEnd = declaration.Span.End;
        }

        var header = pieces.Where(p => p.Declaration is PolicyHeaderSyntax);
        var ordered = pieces.Where(p => p.Declaration is AssignmentDeclarationSyntax { Role: RaciRole.Accountable } or OfferDeclarationSyntax);
        var rest = pieces.Except(header).Except(ordered).Reverse();
        var result = new StringBuilder();
        foreach (var piece in header.Concat(rest).Concat(ordered))
        {
            result.Append(piece.Text).Append('\n');
        }

        return PolicyFormatter.Format(SyntaxTree.Parse(result.ToString())) ?? result.ToString();
    }
}
