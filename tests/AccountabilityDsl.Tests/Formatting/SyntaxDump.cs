using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Formatting;

/// <summary>
/// A structural dump of a syntax tree's declarations that ignores where things are: every
/// property of every node except spans. Two texts with equal dumps say the same thing.
/// Numbers are compared as written, minus any whitespace between a minus sign and the digits.
/// </summary>
public static class SyntaxDump
{
    public static string Of(SyntaxTree tree)
    {
        var text = new StringBuilder();
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            Write(declaration, text);
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void Write(object? value, StringBuilder text)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"').Append(s).Append('"');
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal || value.GetType().IsEnum:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case SyntaxNode node:
                WriteNode(node, text);
                return;
            case IEnumerable items:
                text.Append('[');
                bool first = true;
                foreach (object? item in items)
                {
                    if (!first)
                    {
                        text.Append(", ");
                    }

                    first = false;
                    Write(item, text);
                }

                text.Append(']');
                return;
            default:
                throw new InvalidOperationException($"cannot dump {value.GetType()}");
        }
    }

    private static void WriteNode(SyntaxNode node, StringBuilder text)
    {
        text.Append(node.GetType().Name).Append(" {");
        foreach (PropertyInfo property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.PropertyType == typeof(TextSpan) || property.PropertyType == typeof(TextSpan?) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            object? value = property.GetValue(node);
            if (node is NumberLiteralSyntax && property.Name == nameof(NumberLiteralSyntax.Text) && value is string written)
            {
                value = string.Concat(written.Where(c => !char.IsWhiteSpace(c)));
            }

            text.Append(' ').Append(property.Name).Append('=');
            Write(value, text);
        }

        text.Append(" }");
    }
}
