using System.Text;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Output;

/// <summary>
/// Human-readable output in the style of rustc, clang and Roslyn:
/// <code>
/// policies/bank.owner(12,13): error OWN0002: unknown owner 'Sals'; did you mean 'Sales'?
///    12 | accountable Sals for * at *
///       |             ^~~~
///   note: policies/bank.owner:4:7: Sales is declared here
///   witness: assets = 0, region = North
///   help: ownerc help OWN0002
///
/// 1 error in 3 files
/// </code>
/// Tabs in the source line are expanded so the underline lines up; a zero-length span gets a
/// single caret; a span over several lines is underlined to the end of its first line.
/// ANSI colours only when asked for (a terminal, and NO_COLOR unset).
/// </summary>
public sealed class TextFormatter(bool useColor) : IDiagnosticFormatter
{
    private const int TabSize = 4;

    private const string Reset = "\e[0m";
    private const string Bold = "\e[1m";
    private const string Red = "\e[1;31m";
    private const string Yellow = "\e[1;33m";
    private const string Cyan = "\e[1;36m";
    private const string Blue = "\e[1;34m";

    public void Write(CheckReport report, TextWriter output)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in report.Diagnostics)
        {
            WriteDiagnostic(text, d);
            text.Append('\n');
        }

        text.Append(Summary(report)).Append('\n');
        output.Write(text.ToString());
    }

    private void WriteDiagnostic(StringBuilder text, Diagnostic d)
    {
        LinePositionSpan span = d.Location.LineSpan;
        string color = SeverityColor(d.Severity);
        text.Append(Paint(Bold, $"{d.Location.FilePath}({span.Start.Line},{span.Start.Column}):"))
            .Append(' ')
            .Append(Paint(color, $"{d.Severity.ToDisplayString()} {d.Id}:"))
            .Append(' ')
            .Append(Paint(Bold, d.Message))
            .Append('\n');

        WriteSnippet(text, d.Location, color);

        foreach (RelatedLocation related in d.Related)
        {
            LinePosition at = related.Location.LineSpan.Start;
            text.Append("  ").Append(Paint(Blue, "note:")).Append($" {related.Location.FilePath}:{at.Line}:{at.Column}: {related.Message}\n");
        }

        if (d.Witness is { } witness)
        {
            text.Append("  ").Append(Paint(Blue, "witness:")).Append($" {witness}\n");
        }

        // The command, not a link: it is short, works offline and matches the installed version.
        text.Append("  ").Append(Paint(Blue, "help:")).Append(' ').Append(d.Descriptor.HelpCommand).Append('\n');
    }

    private void WriteSnippet(StringBuilder text, Location location, string color)
    {
        SourceText source = location.Source;
        if (source.Length == 0)
        {
            return;
        }

        LinePositionSpan span = location.LineSpan;
        int lineNumber = span.Start.Line;
        string line = source.GetLineText(lineNumber);
        int startIndex = Math.Clamp(span.Start.Column - 1, 0, line.Length);
        // Underline to the end of the span, or to the end of the first line when it goes on.
        int endIndex = span.End.Line == lineNumber ? Math.Clamp(span.End.Column - 1, startIndex, line.Length) : line.Length;

        string number = lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string gutter = new(' ', number.Length);
        (string expanded, int[] columnOf) = ExpandTabs(line);
        int markerStart = columnOf[startIndex];
        int markerWidth = Math.Max(1, columnOf[endIndex] - markerStart);
        (expanded, markerStart, markerWidth) = Window(expanded, markerStart, markerWidth);

        text.Append("  ").Append(Paint(Blue, number + " |")).Append(expanded.Length == 0 ? "" : " " + expanded).Append('\n');
        text.Append("  ").Append(Paint(Blue, gutter + " |")).Append(' ').Append(' ', markerStart)
            .Append(Paint(color, "^" + new string('~', markerWidth - 1))).Append('\n');
    }

    /// <summary>
    /// At most <see cref="MaxSnippetWidth"/> columns of a long line (a minified or generated file,
    /// or binary garbage with no line breaks), around the span, with "..." where it was cut.
    /// </summary>
    internal static (string Text, int MarkerStart, int MarkerWidth) Window(string line, int markerStart, int markerWidth)
    {
        if (line.Length <= MaxSnippetWidth)
        {
            return (line, markerStart, markerWidth);
        }

        markerWidth = Math.Min(markerWidth, MaxSnippetWidth / 2);
        int start = Math.Clamp(markerStart - MaxSnippetWidth / 4, 0, Math.Max(0, line.Length - MaxSnippetWidth));
        int end = Math.Min(line.Length, start + MaxSnippetWidth);
        string prefix = start > 0 ? "..." : "";
        string suffix = end < line.Length ? "..." : "";
        return (prefix + line[start..end] + suffix, markerStart - start + prefix.Length, markerWidth);
    }

    /// <summary>The widest source excerpt printed under a diagnostic.</summary>
    internal const int MaxSnippetWidth = 160;

    /// <summary>
    /// The line with tabs expanded to the next tab stop, and for every index of the original
    /// line (plus its end) the display column it starts at. A surrogate pair is one column.
    /// </summary>
    internal static (string Text, int[] ColumnOf) ExpandTabs(string line)
    {
        var columnOf = new int[line.Length + 1];
        var expanded = new StringBuilder(line.Length);
        int column = 0;
        for (int i = 0; i < line.Length; i++)
        {
            columnOf[i] = column;
            char c = line[i];
            if (c == '\t')
            {
                int width = TabSize - (column % TabSize);
                expanded.Append(' ', width);
                column += width;
            }
            else
            {
                // Control and format characters (escape sequences, bidi overrides) never reach
                // the terminal as such: a policy must not be able to rewrite what the user sees.
                expanded.Append(char.IsControl(c) ? ' ' : System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? '?' : c);
                if (!char.IsLowSurrogate(c))
                {
                    column++;
                }
            }
        }

        columnOf[line.Length] = column;
        return (expanded.ToString(), columnOf);
    }

    internal static string Summary(CheckReport report)
    {
        var parts = new List<string>(3);
        if (report.Errors > 0)
        {
            parts.Add(Count(report.Errors, "error"));
        }

        if (report.Warnings > 0)
        {
            parts.Add(Count(report.Warnings, "warning"));
        }

        if (report.Suggestions > 0)
        {
            parts.Add(Count(report.Suggestions, "suggestion"));
        }

        string files = Count(report.FileCount, "file");
        return parts.Count == 0 ? $"no problems found in {files}" : $"{string.Join(", ", parts)} in {files}";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string SeverityColor(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => Red,
        DiagnosticSeverity.Warning => Yellow,
        _ => Cyan,
    };

    private string Paint(string color, string text) => useColor ? color + text + Reset : text;
}
