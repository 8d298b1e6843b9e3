using System.Collections.Immutable;
using System.Text;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// Writes a syntax tree as an indented outline, each node with the exact source text of its span
/// in brackets, so that a baseline checks every node and every span at once. Also the compact
/// s-expression form of predicates used to check precedence.
/// </summary>
public static class SyntaxDump
{
    public static string Render(SyntaxTree tree)
    {
        var dump = new Dumper(tree.Source);
        foreach (DeclarationSyntax declaration in tree.Declarations)
        {
            dump.Declaration(declaration);
        }

        foreach (CommentSyntax comment in tree.Comments)
        {
            dump.Line(0, comment.IsBlock ? "BlockComment" : "LineComment", comment.Span);
        }

        return dump.ToString();
    }

    /// <summary><c>(or (and a (&gt;= b 1)) (not c))</c>: the shape of a predicate, without spans.</summary>
    public static string Shape(PredicateSyntax predicate) => predicate switch
    {
        LogicalPredicateSyntax l => $"({(l.Operator == LogicalOperator.And ? "and" : "or")} {string.Join(' ', l.Operands.Select(Shape))})",
        NotPredicateSyntax n => $"(not {Shape(n.Operand)})",
        ParenthesizedPredicateSyntax p => $"[{Shape(p.Inner)}]",
        ComparisonPredicateSyntax c => $"({Operator(c.Operator)} {c.Attribute.Text} {Literal(c.Value)})",
        MembershipPredicateSyntax m => $"(in {m.Attribute.Text} {{{string.Join(' ', m.Members.Select(Literal))}}})",
        AttributePredicateSyntax a => a.Attribute.Text,
        MissingPredicateSyntax => "<missing>",
        _ => throw new InvalidOperationException(predicate.GetType().Name),
    };

    private static string Literal(LiteralSyntax literal) => literal switch
    {
        NumberLiteralSyntax n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + (n.IsInteger ? "" : "m"),
        BoolLiteralSyntax b => b.Value ? "true" : "false",
        MemberLiteralSyntax m => m.Name.Text,
        _ => throw new InvalidOperationException(literal.GetType().Name),
    };

    private static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        ComparisonOperator.GreaterThanOrEqual => ">=",
        ComparisonOperator.Equal => "==",
        _ => "!=",
    };

    private sealed class Dumper(SourceText source)
    {
        private readonly StringBuilder _text = new();

        public override string ToString() => _text.ToString();

        public void Line(int depth, string label, TextSpan span)
        {
            string text = source.ToString(span).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            _text.Append(' ', depth * 2).Append(label).Append(" [").Append(text).Append("]\n");
        }

        private void Name(int depth, string role, NameSyntax name) =>
            Line(depth, name.IsMissing ? $"{role}: <missing>" : $"{role}: {name.Text}", name.Span);

        private void Names(int depth, string role, ImmutableArray<NameSyntax> names)
        {
            foreach (NameSyntax name in names)
            {
                Name(depth, role, name);
            }
        }

        private void Number(int depth, string role, NumberLiteralSyntax? number)
        {
            if (number is not null)
            {
                Line(depth, $"{role}: {Literal(number)}", number.Span);
            }
        }

        private void Period(int depth, PeriodSyntax period) =>
            Line(depth, $"Period: {period.Unit}{(period.Plural ? " (plural)" : "")}", period.Span);

        private void Segments(int depth, SegmentListSyntax list)
        {
            Line(depth, list.IsWildcard ? "Segments: *" : "Segments", list.Span);
            Names(depth + 1, "Segment", list.Names);
        }

        private void Stages(int depth, StageListSyntax list)
        {
            Line(depth, list.IsWildcard ? "Stages: *" : "Stages", list.Span);
            foreach (StageRangeSyntax range in list.Ranges)
            {
                Line(depth + 1, range.To is null ? "Stage" : "StageRange", range.Span);
                Name(depth + 2, "From", range.From);
                if (range.To is { } to)
                {
                    Name(depth + 2, "To", to);
                }
            }
        }

        public void Declaration(DeclarationSyntax declaration)
        {
            Line(0, declaration.GetType().Name.Replace("Syntax", "", StringComparison.Ordinal), declaration.Span);
            switch (declaration)
            {
                case PolicyHeaderSyntax p:
                    Name(1, "Name", p.Name);
                    Names(1, "Namespace", p.Namespace);
                    break;
                case AttributeDeclarationSyntax a:
                    Name(1, "Name", a.Name);
                    Line(1, $"Type: {a.Type.Kind}", a.Type.Span);
                    Names(2, "Member", a.Type.Members);
                    break;
                case SegmentDeclarationSyntax s:
                    Name(1, "Name", s.Name);
                    if (s.Documentation is { } doc)
                    {
                        Line(1, $"Documentation: {doc.Value}", doc.Span);
                    }

                    if (s.Predicate is { } predicate)
                    {
                        Predicate(1, predicate);
                    }

                    break;
                case StagesDeclarationSyntax s:
                    Names(1, "Stage", s.Stages);
                    break;
                case OwnerDeclarationSyntax o:
                    Name(1, "Name", o.Name);
                    if (o.Documentation is { } ownerDoc)
                    {
                        Line(1, $"Documentation: {ownerDoc.Value}", ownerDoc.Span);
                    }

                    break;
                case ChannelDeclarationSyntax c:
                    Name(1, "Name", c.Name);
                    if (c.Capacity is { } capacity)
                    {
                        Line(1, "Capacity", capacity.Span);
                        Number(2, "Amount", capacity.Amount);
                        Period(2, capacity.Period);
                    }

                    break;
                case AssignmentDeclarationSyntax a:
                    Line(1, $"Role: {a.Role}", TextSpan.FromBounds(a.Span.Start, a.Span.Start + a.Role.ToString().Length));
                    Name(1, "Owner", a.Owner);
                    Segments(1, a.Segments);
                    Stages(1, a.Stages);
                    Names(1, "Channel", a.Channels);
                    break;
                case OfferDeclarationSyntax o:
                    Name(1, "Name", o.Name);
                    Name(1, "Sponsor", o.Sponsor);
                    Segments(1, o.Segments);
                    if (o.Stages is { } stages)
                    {
                        Stages(1, stages);
                    }

                    Names(1, "Channel", o.Channels);
                    Number(1, "MinCell", o.MinCell);
                    Number(1, "Priority", o.Priority);
                    Names(1, "ApprovedBy", o.ApprovedBy);
                    break;
                case LimitDeclarationSyntax l:
                    Line(1, $"Scope: {l.Scope.Kind} {l.Scope.DisplayText}", l.Scope.Span);
                    Number(1, "MaxCount", l.MaxCount);
                    Number(1, "WindowCount", l.WindowCount);
                    Period(1, l.WindowUnit);
                    if (l.Calendar)
                    {
                        Line(1, "Calendar", TextSpan.FromBounds(l.Span.End - "calendar".Length, l.Span.End));
                    }

                    break;
                case CooldownDeclarationSyntax c:
                    Number(1, "Duration", c.Duration);
                    Period(1, c.Unit);
                    Name(1, "Event", c.Event);
                    break;
                case ExemptDeclarationSyntax e:
                    Name(1, "Category", e.Category);
                    break;
            }
        }

        private void Predicate(int depth, PredicateSyntax predicate)
        {
            // Iterative over logical chains; recursion only through parentheses and 'not', whose
            // depth the parser caps.
            switch (predicate)
            {
                case LogicalPredicateSyntax l:
                    Line(depth, l.Operator == LogicalOperator.And ? "And" : "Or", l.Span);
                    foreach (PredicateSyntax operand in l.Operands)
                    {
                        Predicate(depth + 1, operand);
                    }

                    break;
                case NotPredicateSyntax n:
                    Line(depth, "Not", n.Span);
                    Predicate(depth + 1, n.Operand);
                    break;
                case ParenthesizedPredicateSyntax p:
                    Line(depth, "Parenthesized", p.Span);
                    Predicate(depth + 1, p.Inner);
                    break;
                case ComparisonPredicateSyntax c:
                    Line(depth, "Comparison", c.Span);
                    Name(depth + 1, "Attribute", c.Attribute);
                    Line(depth + 1, $"Operator: {Operator(c.Operator)}", c.OperatorSpan);
                    Line(depth + 1, $"Value: {Literal(c.Value)}", c.Value.Span);
                    break;
                case MembershipPredicateSyntax m:
                    Line(depth, "Membership", m.Span);
                    Name(depth + 1, "Attribute", m.Attribute);
                    foreach (LiteralSyntax member in m.Members)
                    {
                        Line(depth + 1, $"Member: {Literal(member)}", member.Span);
                    }

                    break;
                case AttributePredicateSyntax a:
                    Name(depth, "BoolAttribute", a.Attribute);
                    break;
                default:
                    Line(depth, "Missing", predicate.Span);
                    break;
            }
        }
    }
}
