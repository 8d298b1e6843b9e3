using System.Text;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// One malformed input and how many syntax errors it must give (one mistake, one error, unless the
/// case says otherwise).
/// </summary>
public sealed record SyntaxErrorCase(string Name, string Text, int Errors = 1);

/// <summary>
/// Renders syntax-error cases for a baseline file: the input, then every diagnostic with its
/// line/column span, its message, and the source line with carets under the span, so that a
/// reviewer sees at a glance whether the location is the offending token.
/// </summary>
public static class SyntaxErrorCases
{
    public static string Render(IEnumerable<SyntaxErrorCase> cases)
    {
        var text = new StringBuilder();
        var wrongCounts = new List<string>();
        foreach (SyntaxErrorCase @case in cases)
        {
            SyntaxTree tree = SyntaxTree.Parse(SourceText.From(@case.Text, "test.owner"));
            text.Append("== ").Append(@case.Name).Append('\n');
            foreach (string line in SplitLines(@case.Text))
            {
                text.Append("  | ").Append(Visible(line)).Append('\n');
            }

            foreach (Diagnostic d in tree.Diagnostics)
            {
                AppendDiagnostic(text, tree.Source, d);
            }

            if (tree.Diagnostics.Length != @case.Errors)
            {
                wrongCounts.Add($"'{@case.Name}': expected {@case.Errors} error(s), got {tree.Diagnostics.Length}");
            }

            text.Append('\n');
        }

        if (wrongCounts.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(string.Join("\n", wrongCounts) + "\n\n" + text);
        }

        return text.ToString();
    }

    public static void AppendDiagnostic(StringBuilder text, SourceText source, Diagnostic d)
    {
        LinePositionSpan span = d.Location.LineSpan;
        text.Append($"  ({span.Start.Line},{span.Start.Column},{span.End.Line},{span.End.Column}) {d.Severity.ToDisplayString()} {d.Id}: {d.Message}\n");
        string line = source.GetLineText(span.Start.Line);
        int column = span.Start.Column - 1;
        int width = span.End.Line == span.Start.Line ? Math.Max(1, span.End.Column - span.Start.Column) : Math.Max(1, line.Length - column);

        // A long line is shown as a window around the span, marked with '...' where it is cut.
        const int Window = 100;
        if (line.Length > Window)
        {
            int from = Math.Clamp(column - 40, 0, Math.Max(0, line.Length - Window));
            string cut = (from > 0 ? "..." : "") + line.Substring(from, Math.Min(Window, line.Length - from)) + (from + Window < line.Length ? "..." : "");
            column = column - from + (from > 0 ? 3 : 0);
            width = Math.Min(width, Window - (column - (from > 0 ? 3 : 0)));
            line = cut;
        }

        text.Append("    ").Append(Visible(line)).Append('\n');
        text.Append("    ").Append(new string(' ', column)).Append(new string('^', Math.Max(1, width))).Append('\n');
    }

    private static IEnumerable<string> SplitLines(string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        return lines.Length > 1 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>Control characters as their Unicode "control picture", one column each, so carets stay aligned.</summary>
    public static string Visible(string line)
    {
        var result = new StringBuilder(line.Length);
        foreach (char c in line)
        {
            result.Append(c switch
            {
                '\t' => '\t',
                < ' ' => (char)(0x2400 + c),
                '\u007F' => '\u2421',
                _ when char.IsSurrogate(c) => '?',
                _ => c,
            });
        }

        return result.ToString();
    }
}
