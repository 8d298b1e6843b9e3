using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AccountabilityDsl.Emit;

/// <summary>
/// The only ways policy text reaches generated C#: identifiers (checked, keywords escaped with
/// <c>@</c>), string literals (formatted by Roslyn) and documentation comments (XML-escaped,
/// one <c>///</c> line per source line, control and bidirectional characters replaced).
/// </summary>
internal static class CSharpText
{
    /// <summary>A name as a C# identifier token: <c>class</c> becomes <c>@class</c>.</summary>
    public static string Identifier(string name)
    {
        if (!IsValidIdentifier(name))
        {
            throw new ArgumentException($"'{name}' is not a valid C# identifier.", nameof(name));
        }

        return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;
    }

    public static bool IsValidIdentifier(string name) =>
        name.Length > 0 && SyntaxFacts.IsValidIdentifier(name) && !name.StartsWith('@');

    /// <summary>A dotted namespace with every part escaped; throws for anything that is not one.</summary>
    public static string Namespace(string dotted)
    {
        string[] parts = dotted.Split('.');
        return string.Join('.', parts.Select(Identifier));
    }

    /// <summary><c>tenure_years</c> → <c>TenureYears</c>; <c>assets</c> → <c>Assets</c>.</summary>
    public static string PascalCase(string name)
    {
        var text = new StringBuilder(name.Length);
        bool upper = true;
        foreach (char c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (text.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(text[0]))
        {
            text.Insert(0, "Value");
        }

        return text.ToString();
    }

    /// <summary>A C# string literal with quotes; every character that needs it escaped.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Int(int value) => value < 0
        ? "(" + value.ToString(CultureInfo.InvariantCulture) + ")"
        : value.ToString(CultureInfo.InvariantCulture);

    public static string Decimal(decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture) + "m";
        return value < 0 ? "(" + text + ")" : text;
    }

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// Text for inside an XML documentation element: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>
    /// escaped; every line break C# recognises becomes a separate <c>///</c> line (so nothing in
    /// the text can end the comment); control and bidirectional-override characters become U+FFFD.
    /// </summary>
    public static IReadOnlyList<string> DocLines(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\r' or '\n' or '\u0085' or '\u2028' or '\u2029':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    lines.Add(line.ToString().TrimEnd());
                    line.Clear();
                    break;
                case '&':
                    line.Append("&amp;");
                    break;
                case '<':
                    line.Append("&lt;");
                    break;
                case '>':
                    line.Append("&gt;");
                    break;
                case '\t':
                    line.Append(' ');
                    break;
                default:
                    if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\uFEFF'
                        || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))))
                    {
                        line.Append('\uFFFD');
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        line.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        line.Append(c);
                    }

                    break;
            }
        }

        lines.Add(line.ToString().TrimEnd());
        while (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    /// <summary>Collapses a declaration's source text to one line (runs of whitespace become one space).</summary>
    public static string OneLine(string text)
    {
        var result = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = result.Length > 0;
                continue;
            }

            if (space)
            {
                result.Append(' ');
                space = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
