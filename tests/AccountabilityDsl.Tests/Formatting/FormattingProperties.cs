using AccountabilityDsl.Formatting;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Formatting;

/// <summary>
/// What formatting must never change, checked with the real parser and compiler: the result
/// parses without errors to the same declarations, reports the same diagnostic IDs, keeps every
/// comment exactly once, has no trailing whitespace, and formatting it again changes nothing.
/// </summary>
public static class FormattingProperties
{
    public static void Check(string text)
    {
        SyntaxTree original = SyntaxTree.Parse(text);
        original.HasErrors.ShouldBeFalse($"the input has syntax errors:\n{text}");
        string formatted = PolicyFormatter.Format(original) ?? throw new InvalidOperationException("not formatted");
        string context = $"\n--- input\n{text}\n--- formatted\n{formatted}";

        SyntaxTree reparsed = SyntaxTree.Parse(formatted);
        reparsed.HasErrors.ShouldBeFalse("the formatted text has syntax errors" + context);
        PolicyFormatter.Format(reparsed).ShouldBe(formatted, "formatting is not idempotent" + context);
        SyntaxDump.Of(reparsed).ShouldBe(SyntaxDump.Of(original), "the declarations changed" + context);

        string[] before = [.. original.Comments.Select(c => PolicyFormatter.NormalizeComment(c.Text)).Order(StringComparer.Ordinal)];
        string[] after = [.. reparsed.Comments.Select(c => PolicyFormatter.NormalizeComment(c.Text)).Order(StringComparer.Ordinal)];
        after.ShouldBe(before, "the comments changed" + context);

        string[] idsBefore = [.. PolicyCompilation.Create(SourceText.From(text, "p.owner")).Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal)];
        string[] idsAfter = [.. PolicyCompilation.Create(SourceText.From(formatted, "p.owner")).Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal)];
        idsAfter.ShouldBe(idsBefore, "the diagnostic IDs changed" + context);

        string newline = PolicyFormatter.DominantNewline(text);
        string[] lines = formatted.Split(newline);
        string? untrimmed = lines.FirstOrDefault(line => line.Length > 0 && char.IsWhiteSpace(line[^1]));
        untrimmed.ShouldBeNull("a line ends with whitespace" + context);
        if (formatted.Length > 0)
        {
            formatted.ShouldEndWith(newline, customMessage: "no final line break" + context);
            formatted.ShouldNotEndWith(newline + newline, customMessage: "blank lines at the end" + context);
        }
    }
}
