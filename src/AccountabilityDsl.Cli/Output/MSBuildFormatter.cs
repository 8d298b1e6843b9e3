using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Output;

/// <summary>
/// The canonical MSBuild / Visual Studio form, one line per diagnostic:
/// <c>file(line,col,endLine,endCol): error OWN0101: message</c>. Suggestions use the
/// <c>info</c> category, as Roslyn does, so MSBuild does not count them as warnings.
/// </summary>
public sealed class MSBuildFormatter : IDiagnosticFormatter
{
    public void Write(CheckReport report, TextWriter output)
    {
        foreach (Diagnostic d in report.Diagnostics)
        {
            LinePositionSpan span = d.Location.LineSpan;
            output.Write($"{d.Location.FilePath}({span.Start.Line},{span.Start.Column},{span.End.Line},{span.End.Column}): {Category(d.Severity)} {d.Id}: {d.Message}\n");
        }
    }

    internal static string Category(DiagnosticSeverity severity) =>
        severity == DiagnosticSeverity.Suggestion ? "info" : severity.ToDisplayString();
}
