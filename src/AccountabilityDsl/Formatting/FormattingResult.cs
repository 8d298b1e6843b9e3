using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Formatting;

/// <summary>
/// What <see cref="PolicyFormatter.Format(Text.SourceText)"/> made of one file: the formatted
/// text, or (for a file with syntax errors, which is never formatted) no text and the errors.
/// </summary>
public sealed record FormattingResult(SyntaxTree SyntaxTree, string? FormattedText)
{
    /// <summary>Whether the file could be formatted (it has no syntax errors).</summary>
    public bool Success => FormattedText is not null;

    /// <summary>Whether formatting changes the file's text.</summary>
    public bool Changed => FormattedText is not null && !string.Equals(FormattedText, SyntaxTree.Source.Text, StringComparison.Ordinal);

    /// <summary>The syntax diagnostics of the file (the reason it was not formatted, when it was not).</summary>
    public ImmutableArray<Diagnostic> Diagnostics => SyntaxTree.Diagnostics;
}
