using System.Text;

namespace AccountabilityDsl.Emit;

/// <summary>
/// The text of one generated file, laid out as it is written: every line indented by the braces
/// and parentheses of the code lines before it, documentation comments one <c>///</c> line per
/// line of their (escaped) text. Shared by <see cref="CSharpEmitter"/>, <see cref="PredicateEmitter"/>
/// and <see cref="ContactPolicyEmitter"/>, which write into the same class.
/// </summary>
internal sealed class CodeWriter
{
    /// <summary>The runtime library's namespace, fully qualified so that no policy name can shadow it.</summary>
    public const string Runtime = "global::AccountabilityDsl.Runtime.";

    /// <summary>The <c>System</c> namespace, fully qualified.</summary>
    public const string Sys = "global::System.";

    /// <summary>The <c>System.Collections.Generic</c> namespace, fully qualified.</summary>
    public const string Generic = "global::System.Collections.Generic.";

    private readonly StringBuilder _out = new();
    private int _indent;

    /// <summary>
    /// Writes one line, or several separated by <c>\n</c>, each indented by the braces and
    /// parentheses of the code lines before it (comment lines never change the indentation, so
    /// policy text in them cannot either). An empty line is written empty.
    /// </summary>
    public void Line(string line)
    {
        if (line.Length == 0)
        {
            _out.Append('\n');
            return;
        }

        if (line.Contains('\n'))
        {
            foreach (string part in line.Split('\n'))
            {
                Line(part);
            }

            return;
        }

        bool code = !line.StartsWith("//", StringComparison.Ordinal) && !line.StartsWith('#');
        if (code && (line[0] is '}' or ')'))
        {
            _indent--;
        }

        _out.Append(' ', 4 * _indent).Append(line).Append('\n');
        if (code && (line[^1] is '{' or '('))
        {
            _indent++;
        }
    }

    /// <summary>A blank line between two members of a list of <paramref name="count"/>, after item <paramref name="index"/>.</summary>
    public void Separate(int index, int count)
    {
        if (index < count - 1)
        {
            Line("");
        }
    }

    /// <summary>A documentation comment: the summary and, when given, the remarks.</summary>
    public void Doc(string summary, string? remarks = null)
    {
        DocElement("summary", summary);
        if (remarks is not null)
        {
            DocElement("remarks", remarks);
        }
    }

    /// <summary>One documentation element; its text is escaped (<see cref="CSharpText.DocLines"/>), one <c>///</c> line per line.</summary>
    public void DocElement(string element, string text)
    {
        IReadOnlyList<string> lines = CSharpText.DocLines(text);
        if (lines.Count == 1)
        {
            Line($"/// <{element}>{lines[0]}</{element}>");
            return;
        }

        Line($"/// <{element}>");
        foreach (string line in lines)
        {
            Line("/// " + line);
        }

        Line($"/// </{element}>");
    }

    /// <summary>An array expression: empty, on one line when short, else one item per line.</summary>
    public static string ArrayOf(string type, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return $"{Sys}Array.Empty<{type}>()";
        }

        string oneLine = $"new {type}[] {{ {string.Join(", ", list)} }}";
        return oneLine.Length <= 100 ? oneLine : $"new {type}[]\n{{\n{string.Join(",\n", list)},\n}}";
    }

    /// <summary>An array expression on one line, however long.</summary>
    public static string OneLineArrayOf(string type, IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? $"{Sys}Array.Empty<{type}>()" : $"new {type}[] {{ {string.Join(", ", list)} }}";
    }

    public override string ToString() => _out.ToString();
}
