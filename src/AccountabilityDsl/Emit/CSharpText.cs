using System.Globalization;
using System.Security.Cryptography;
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

    /// <summary>Longest name (UTF-8 bytes) kept as written; .NET metadata rejects names over 1,024 bytes (CS7013) and file systems file names over 255.</summary>
    public const int MaxNameLength = 200;

    /// <summary>
    /// A name short enough for .NET metadata and for a file name: names up to
    /// <see cref="MaxNameLength"/> UTF-8 bytes are kept; longer ones keep their first 180 bytes
    /// and get <c>_</c> and 16 hex digits of the SHA-256 of the whole name appended, so two long
    /// names stay distinct and the result is deterministic. Identifiers stay identifiers.
    /// </summary>
    public static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxNameLength)
        {
            return name;
        }

        int cut = Math.Min(name.Length, 180);
        while (cut > 1 && (Encoding.UTF8.GetByteCount(name.AsSpan(0, cut)) > 180 || char.IsHighSurrogate(name[cut - 1])))
        {
            cut--;
        }

        return name[..cut] + "_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 8);
    }

    /// <summary>
    /// A dotted namespace whose parts are <see cref="Shorten"/>ed and whose whole, with the class
    /// name, stays under the metadata limit: when too long, the parts that fit in 600 bytes are
    /// kept and a last part <c>N</c> + 16 hex digits of the SHA-256 of the whole is added.
    /// </summary>
    public static string ShortenNamespace(string dotted)
    {
        string[] parts = [.. dotted.Split('.').Select(Shorten)];
        string joined = string.Join('.', parts);
        if (Encoding.UTF8.GetByteCount(joined) <= 600)
        {
            return joined;
        }

        var kept = new List<string>();
        int length = 0;
        foreach (string part in parts)
        {
            length += Encoding.UTF8.GetByteCount(part) + 1;
            if (length > 600)
            {
                break;
            }

            kept.Add(part);
        }

        kept.Add("N" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dotted)), 0, 8));
        return string.Join('.', kept);
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
