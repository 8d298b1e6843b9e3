using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Formatting;

/// <summary>
/// The canonical layout of a <c>.owner</c> file (<c>ownerc fmt</c>), computed from the syntax
/// model: one declaration per line with single spaces, the RACI assignment tables aligned,
/// long offers wrapped, every comment kept where it was. The rules and the reasons for them
/// are in docs/formatting.md. A file with syntax errors is never formatted.
/// </summary>
public static partial class PolicyFormatter
{
    /// <summary>An offer longer than this is wrapped onto continuation lines.</summary>
    public const int MaxLineWidth = 100;

    /// <summary>The indentation of an offer's continuation lines: under its name, after <c>offer </c>.</summary>
    public const int ContinuationIndent = 6;

    /// <summary>The formatted text, or null when the file has syntax errors (it is then left as it is).</summary>
    public static string? Format(SyntaxTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return tree.HasErrors ? null : new Writer(tree).Write();
    }

    /// <summary>Parses and formats; the result carries the syntax errors when there are any.</summary>
    public static FormattingResult Format(SourceText source)
    {
        SyntaxTree tree = SyntaxTree.Parse(source);
        return new FormattingResult(tree, Format(tree));
    }

    /// <summary>
    /// A comment as the formatter writes it: line breaks in the file's style and no whitespace at
    /// the end of any of its lines. Everything else in it is kept exactly.
    /// </summary>
    public static string NormalizeComment(string text, string newline = "\n") => NormalizeLines(text, newline);

    /// <summary>The line break used most in the text (LF on a tie or when there is none).</summary>
    public static string DominantNewline(string text)
    {
        int lf = 0, crlf = 0, cr = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    crlf++;
                    i++;
                }
                else
                {
                    cr++;
                }
            }
            else if (text[i] == '\n')
            {
                lf++;
            }
        }

        return crlf > lf && crlf >= cr ? "\r\n" : cr > lf && cr > crlf ? "\r" : "\n";
    }

    private static string NormalizeLines(string text, string newline)
    {
        string[] lines = text.Split(LineBreaks, StringSplitOptions.None);
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd(LineEndWhitespace);
        }

        return string.Join(newline, lines);
    }

    private static readonly string[] LineBreaks = ["\r\n", "\r", "\n"];

    private static readonly char[] LineEndWhitespace = [' ', '\t', '\f', '\v'];


    // ---- Layout ---------------------------------------------------------------------------

    /// <summary>One output unit: a line of comments, or a declaration with the comments on its lines.</summary>
    private sealed class Block
    {
        public bool BlankBefore;
        public string? CommentLine;
        public DeclarationSyntax? Declaration;
        public string? Prefix;
        public string? Trailing;
        public bool Verbatim;
        public bool Glued;
        public string[] Lines = [];
    }

    private sealed class Writer(SyntaxTree tree)
    {
        private readonly SourceText _source = tree.Source;
        private readonly string _text = tree.Source.Text;
        private readonly string _newline = DominantNewline(tree.Source.Text);
        private readonly List<Block> _blocks = [];

        public string Write()
        {
            IReadOnlyList<DeclarationSyntax> declarations = tree.Declarations;
            IReadOnlyList<CommentSyntax> comments = tree.Comments;
            // A declaration that a next-line directive points at must not have its text moved
            // across lines (see IsTargeted): the directives are read once, by the syntax tree.
            ImmutableArray<CommentSyntax> directives = tree.Suppressions.NextLineComments;
            int[] directiveTargets = [.. tree.Suppressions.NextLineTargets];
            // Where on each line the first directive ends (the line it silences is the next one).
            var directiveEnds = new Dictionary<int, int>();
            foreach (CommentSyntax directive in directives)
            {
                int line = _source.GetLinePosition(directive.Span.End).Line;
                directiveEnds[line] = Math.Min(directive.Span.End, directiveEnds.GetValueOrDefault(line, int.MaxValue));
            }

            int commentIndex = 0;
            int position = 0;
            Block? previous = null;
            for (int d = 0; d <= declarations.Count; d++)
            {
                DeclarationSyntax? next = d < declarations.Count ? declarations[d] : null;
                int gapEnd = next?.Span.Start ?? _text.Length;
                var gap = new List<CommentSyntax>();
                while (commentIndex < comments.Count && comments[commentIndex].Span.Start < gapEnd)
                {
                    gap.Add(comments[commentIndex++]);
                }

                Block? nextBlock = next is null ? null : new Block { Declaration = next };
                LayOutGap(position, gapEnd, gap, previous, nextBlock);
                if (next is null || nextBlock is null)
                {
                    break;
                }

                bool hasInnerComment = false;
                while (commentIndex < comments.Count && comments[commentIndex].Span.Start < next.Span.End)
                {
                    hasInnerComment = true;
                    commentIndex++;
                }

                string[] formatted = Render(next, nextBlock.Prefix is null ? 0 : nextBlock.Prefix.Length + 1);
                bool targeted = IsTargeted(next, directiveTargets);
                // A directive that ends before the declaration on its first line silences the
                // line after that one, so the declaration keeps its line breaks too: wrapping it
                // would push the next declaration off the silenced line.
                bool afterDirective = directiveEnds.TryGetValue(_source.GetLinePosition(next.Span.Start).Line, out int end) && end <= next.Span.Start;
                nextBlock.Verbatim = hasInnerComment || ((targeted || afterDirective) && !(IsOneLine(next) && formatted.Length == 1));
                // A declaration that starts on the line where the previous one ends moves to a
                // line of its own, except when a directive points into it or ends before it on
                // that line: moving it would change which line the directive silences.
                nextBlock.Glued = previous is not null
                    && (targeted || afterDirective)
                    && NewlinesOutside(position, next.Span.Start, gap) == 0;
                nextBlock.Lines = nextBlock.Verbatim
                    ? NormalizeLines(_source.ToString(next.Span), "\n").Split('\n')
                    : formatted;
                _blocks.Add(nextBlock);
                previous = nextBlock;
                position = next.Span.End;
            }

            AlignAssignments();
            return Assemble();
        }

        /// <summary>
        /// An <c>owner-disable-next-line</c> comment silences diagnostics on one line. When it
        /// points into a declaration, the declaration keeps its line breaks unless it is, and
        /// stays, a single line: moving a clause to another line would change what is silenced.
        /// </summary>
        private bool IsTargeted(DeclarationSyntax declaration, int[] directiveTargets)
        {
            if (directiveTargets.Length == 0)
            {
                return false;
            }

            int first = _source.GetLinePosition(declaration.Span.Start).Line;
            int last = _source.GetLinePosition(declaration.Span.End).Line;
            int index = Array.BinarySearch(directiveTargets, first);
            index = index >= 0 ? index : ~index;
            return index < directiveTargets.Length && directiveTargets[index] <= last;
        }

        private bool IsOneLine(DeclarationSyntax declaration) =>
            _source.GetLinePosition(declaration.Span.Start).Line == _source.GetLinePosition(declaration.Span.End).Line;

        /// <summary>Line breaks between two positions, not counting those inside comments.</summary>
        private int NewlinesOutside(int start, int end, List<CommentSyntax> gap)
        {
            int count = 0;
            int position = start;
            foreach (CommentSyntax comment in gap)
            {
                count += Newlines(position, comment.Span.Start);
                position = comment.Span.End;
            }

            return count + Newlines(position, end);
        }

        /// <summary>
        /// The whitespace and comments between two declarations (or before the first, or after
        /// the last). Comments on the previous declaration's last line stay at its end; comments
        /// on lines of their own stay on lines of their own, in order; comments on the next
        /// declaration's first line stay in front of it. One or more blank lines become one.
        /// </summary>
        private void LayOutGap(int start, int end, List<CommentSyntax> gap, Block? previous, Block? next)
        {
            int position = start;
            int index = 0;
            if (previous is not null)
            {
                var trailing = new List<string>();
                while (index < gap.Count && Newlines(position, gap[index].Span.Start) == 0)
                {
                    trailing.Add(NormalizeLines(gap[index].Text, _newline));
                    position = gap[index].Span.End;
                    index++;
                }

                if (trailing.Count > 0)
                {
                    previous.Trailing = string.Join(" ", trailing);
                }
            }

            var lines = new List<(List<string> Comments, bool BlankBefore)>();
            for (; index < gap.Count; index++)
            {
                int newlines = Newlines(position, gap[index].Span.Start);
                if (lines.Count == 0 || newlines > 0)
                {
                    lines.Add(([], newlines > 1));
                }

                lines[^1].Comments.Add(NormalizeLines(gap[index].Text, _newline));
                position = gap[index].Span.End;
            }

            int newlinesAfter = Newlines(position, end);
            if (next is not null && lines.Count > 0 && newlinesAfter == 0)
            {
                // Comments in front of the declaration, on its line.
                (List<string> prefix, bool blank) = lines[^1];
                lines.RemoveAt(lines.Count - 1);
                next.Prefix = string.Join(" ", prefix);
                next.BlankBefore = blank;
            }
            else if (next is not null)
            {
                next.BlankBefore = newlinesAfter > 1;
            }

            foreach ((List<string> comments, bool blank) in lines)
            {
                _blocks.Add(new Block { CommentLine = string.Join(" ", comments), BlankBefore = blank });
            }
        }

        /// <summary>Line breaks (CRLF, LF or CR) between two positions of whitespace.</summary>
        private int Newlines(int start, int end)
        {
            int count = 0;
            for (int i = start; i < end; i++)
            {
                if (_text[i] == '\n' || (_text[i] == '\r' && (i + 1 >= end || _text[i + 1] != '\n')))
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>
        /// Consecutive <c>accountable</c>/<c>responsible</c>/<c>consulted</c>/<c>informed</c>
        /// lines (no blank line or comment line between them) form a table: the role, owner and
        /// segment columns are padded so that <c>for</c> and <c>at</c> line up.
        /// </summary>
        private void AlignAssignments()
        {
            int i = 0;
            while (i < _blocks.Count)
            {
                if (!IsAlignable(_blocks[i]))
                {
                    i++;
                    continue;
                }

                int end = i + 1;
                while (end < _blocks.Count && IsAlignable(_blocks[end]) && !_blocks[end].BlankBefore)
                {
                    end++;
                }

                var run = _blocks.GetRange(i, end - i).Select(b => (Block: b, Syntax: (AssignmentDeclarationSyntax)b.Declaration!)).ToList();
                int roleWidth = run.Max(r => RoleKeyword(r.Syntax.Role).Length);
                int ownerWidth = run.Max(r => r.Syntax.Owner.Text.Length);
                int segmentsWidth = run.Max(r => SegmentList(r.Syntax.Segments).Length);
                foreach ((Block block, AssignmentDeclarationSyntax syntax) in run)
                {
                    block.Lines = [Assignment(syntax, roleWidth, ownerWidth, segmentsWidth)];
                }

                i = end;
            }
        }

        private static bool IsAlignable(Block block) =>
            block.Declaration is AssignmentDeclarationSyntax && !block.Verbatim && !block.Glued && block.Prefix is null;

        private string Assemble()
        {
            var output = new StringBuilder(_text.Length + 64);
            for (int b = 0; b < _blocks.Count; b++)
            {
                Block block = _blocks[b];
                if (b > 0)
                {
                    output.Append(block.Glued ? " " : block.BlankBefore ? _newline + _newline : _newline);
                }

                if (block.CommentLine is not null)
                {
                    output.Append(block.CommentLine);
                    continue;
                }

                if (block.Prefix is not null)
                {
                    output.Append(block.Prefix).Append(' ');
                }

                string indent = block.Verbatim ? "" : new string(' ', ContinuationIndent);
                for (int line = 0; line < block.Lines.Length; line++)
                {
                    if (line > 0)
                    {
                        output.Append(_newline).Append(block.Lines[line].Length == 0 ? "" : indent);
                    }

                    output.Append(block.Lines[line]);
                }

                if (block.Trailing is not null)
                {
                    output.Append(' ').Append(block.Trailing);
                }
            }

            return _blocks.Count == 0 ? "" : output.Append(_newline).ToString();
        }
    }

    // ---- Declarations ---------------------------------------------------------------------

    /// <summary>
    /// The canonical text of a declaration: one line, except a long offer (continuation lines
    /// are returned without their indentation). <paramref name="firstLineOffset"/> is how much
    /// of the first line comments in front of the declaration take.
    /// </summary>
    private static string[] Render(DeclarationSyntax declaration, int firstLineOffset) => declaration switch
    {
        PolicyHeaderSyntax p => [p.Namespace.IsDefaultOrEmpty ? $"policy {p.Name.Text}" : $"policy {p.Name.Text} namespace {p.NamespaceText}"],
        AttributeDeclarationSyntax a => [$"attribute {a.Name.Text}: {AttributeType(a.Type)}"],
        SegmentDeclarationSyntax s => [Segment(s)],
        StagesDeclarationSyntax s => ["stages " + string.Join(" -> ", s.Stages.Select(n => n.Text))],
        OwnerDeclarationSyntax o => [$"owner {o.Name.Text}{(o.Documentation is null ? "" : " " + StringLiteral(o.Documentation))}{(o.ReportsTo is null ? "" : $" reports to {o.ReportsTo.Text}")}"],
        FallbackDeclarationSyntax f => [$"fallback {f.Owner.Text}"],
        ChannelDeclarationSyntax c => [(c.Capacity is null ? $"channel {c.Name.Text}" : $"channel {c.Name.Text} capacity {Number(c.Capacity.Amount)} per {Period(c.Capacity.Period)}")
            + (c.RequiresConsent ? " requires consent" : "")],
        AssignmentDeclarationSyntax a => [Assignment(a, 0, 0, 0)],
        OfferDeclarationSyntax o => Offer(o, firstLineOffset),
        LimitDeclarationSyntax l => [Limit(l)],
        GroupDeclarationSyntax g => [$"group {g.Name.Text}: {Names(g.Members)}"],
        NeverDeclarationSyntax n => [$"never {n.First.Text} {(n.IsAfter ? "after" : "with")} {n.Second.Text} within {Number(n.WindowCount)} {Period(n.WindowUnit)}"],
        QuietDeclarationSyntax q => [$"quiet {q.Channel.Text} {string.Join(", ", q.Items.Select(QuietItem))}"],
        CooldownDeclarationSyntax c => [$"cooldown {Number(c.Duration)} {Period(c.Unit)} after {c.Event.Text}"],
        ExemptDeclarationSyntax e => [$"exempt {e.Category.Text}"],
        _ => throw new InvalidOperationException($"no layout for {declaration.GetType().Name}"),
    };

    private static string Limit(LimitDeclarationSyntax limit)
    {
        var text = new StringBuilder("limit ").Append(limit.Scope.DisplayText).Append(limit.PerHousehold ? " per household" : " per customer");
        if (limit.Segments is { } segments)
        {
            text.Append(" in ").Append(Names(segments));
        }

        if (limit.Stages is { } stages)
        {
            text.Append(" at ").Append(StageList(stages));
        }

        return text.Append($": at most {Number(limit.MaxCount)} per {Number(limit.WindowCount)} {Period(limit.WindowUnit)}{(limit.Calendar ? " calendar" : "")}").ToString();
    }

    private static string QuietItem(QuietItemSyntax item) => item switch
    {
        QuietHoursSyntax hours => $"{hours.From.Text}..{hours.To.Text}",
        QuietDaySyntax day => day.Day.Text,
        _ => "",
    };

    private static string AttributeType(AttributeTypeSyntax type) => type.Kind switch
    {
        AttributeKind.Int => "int",
        AttributeKind.Decimal => "decimal",
        AttributeKind.Bool => "bool",
        _ => "enum " + Braced(type.Members.Select(m => m.Text)),
    };

    private static string Segment(SegmentDeclarationSyntax segment)
    {
        var text = new StringBuilder("segment ").Append(segment.Name.Text);
        if (segment.Documentation is { } documentation)
        {
            text.Append(' ').Append(StringLiteral(documentation));
        }

        if (segment.Predicate is { } predicate)
        {
            text.Append(" where ");
            Predicate(predicate, text);
        }

        return text.ToString();
    }

    private static string RoleKeyword(RaciRole role) => SyntaxFacts.Keyword(role);

    private static string Assignment(AssignmentDeclarationSyntax a, int roleWidth, int ownerWidth, int segmentsWidth)
    {
        var text = new StringBuilder()
            .Append(RoleKeyword(a.Role).PadRight(roleWidth)).Append(' ')
            .Append(a.Owner.Text.PadRight(ownerWidth)).Append(" for ")
            .Append(SegmentList(a.Segments).PadRight(segmentsWidth)).Append(" at ")
            .Append(StageList(a.Stages));
        if (!a.Channels.IsDefaultOrEmpty)
        {
            text.Append(" via ").Append(Names(a.Channels));
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>offer N by O to S</c>, then the clauses in canonical order: <c>at</c>, <c>via</c>,
    /// <c>min cell</c>, <c>priority</c>, <c>approved by</c>. Over <see cref="MaxLineWidth"/>
    /// columns: <c>approved by</c> goes on a continuation line of its own; the delivery clauses
    /// (<c>via</c>, <c>min cell</c>, <c>priority</c>) stay on the first line when they fit
    /// there, else they get a continuation line; a line that is still too long is split before
    /// each of its clauses. Names inside a clause are never split.
    /// </summary>
    private static string[] Offer(OfferDeclarationSyntax offer, int firstLineOffset)
    {
        var head = new List<string> { $"offer {offer.Name.Text} by {offer.Sponsor.Text} to {SegmentList(offer.Segments)}" };
        if (offer.Stages is { } stages)
        {
            head.Add("at " + StageList(stages));
        }

        var delivery = new List<string>();
        if (!offer.Channels.IsDefaultOrEmpty)
        {
            delivery.Add("via " + Names(offer.Channels));
        }

        if (offer.MinCell is { } minCell)
        {
            delivery.Add("min cell " + Number(minCell));
        }

        if (offer.Priority is { } priority)
        {
            delivery.Add("priority " + Number(priority));
        }

        var approval = new List<string>();
        if (!offer.ApprovedBy.IsDefaultOrEmpty)
        {
            approval.Add("approved by " + Names(offer.ApprovedBy));
        }

        string oneLine = string.Join(' ', head.Concat(delivery).Concat(approval));
        if (firstLineOffset + oneLine.Length <= MaxLineWidth)
        {
            return [oneLine];
        }

        var groups = new List<List<string>>();
        if (delivery.Count > 0 && firstLineOffset + string.Join(' ', head.Concat(delivery)).Length <= MaxLineWidth)
        {
            groups.Add([.. head, .. delivery]);
        }
        else
        {
            groups.Add(head);
            if (delivery.Count > 0)
            {
                groups.Add(delivery);
            }
        }

        if (approval.Count > 0)
        {
            groups.Add(approval);
        }

        var lines = new List<string>();
        for (int g = 0; g < groups.Count; g++)
        {
            int width = (g == 0 ? firstLineOffset : ContinuationIndent) + string.Join(' ', groups[g]).Length;
            if (width <= MaxLineWidth)
            {
                lines.Add(string.Join(' ', groups[g]));
            }
            else
            {
                lines.AddRange(groups[g]);
            }
        }

        return [.. lines];
    }

    private static string SegmentList(SegmentListSyntax list) => list.IsWildcard ? "*" : Names(list.Names);

    private static string StageList(StageListSyntax list) =>
        list.IsWildcard ? "*" : string.Join(", ", list.Ranges.Select(r => r.To is null ? r.From.Text : $"{r.From.Text}..{r.To.Text}"));

    private static string Names(IEnumerable<NameSyntax> names) => string.Join(", ", names.Select(n => n.Text));

    private static string Braced(IEnumerable<string> items) => "{ " + string.Join(", ", items) + " }";

    private static string Period(PeriodSyntax period) => SyntaxFacts.Text(period.Unit, period.Plural);

    /// <summary>A number as written, without whitespace between a minus sign and its digits.</summary>
    private static string Number(NumberLiteralSyntax number)
    {
        string text = number.Text;
        return text.Any(char.IsWhiteSpace) ? string.Concat(text.Where(c => !char.IsWhiteSpace(c))) : text;
    }

    /// <summary>Double quotes, with <c>\"</c> and <c>\\</c> as the only escapes (the only ones the language has).</summary>
    private static string StringLiteral(StringLiteralSyntax literal) =>
        "\"" + literal.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // ---- Predicates -----------------------------------------------------------------------

    /// <summary>
    /// Writes a predicate with single spaces and the author's parentheses (and no others: the
    /// syntax keeps every parenthesis written, and precedence needs no more). Iterative over
    /// long <c>and</c>/<c>or</c> chains; recursion depth is bounded by the parser's nesting limit.
    /// </summary>
    private static void Predicate(PredicateSyntax predicate, StringBuilder text)
    {
        switch (predicate)
        {
            case ComparisonPredicateSyntax c:
                text.Append(c.Attribute.Text).Append(' ').Append(Operator(c.Operator)).Append(' ').Append(Literal(c.Value));
                break;
            case MembershipPredicateSyntax m:
                text.Append(m.Attribute.Text).Append(" in ").Append(Braced(m.Members.Select(Literal)));
                break;
            case AttributePredicateSyntax a:
                text.Append(a.Attribute.Text);
                break;
            case NotPredicateSyntax n:
                text.Append("not ");
                Predicate(n.Operand, text);
                break;
            case ParenthesizedPredicateSyntax p:
                text.Append('(');
                Predicate(p.Inner, text);
                text.Append(')');
                break;
            case LogicalPredicateSyntax l:
                string op = l.Operator == LogicalOperator.And ? " and " : " or ";
                for (int i = 0; i < l.Operands.Length; i++)
                {
                    if (i > 0)
                    {
                        text.Append(op);
                    }

                    Predicate(l.Operands[i], text);
                }

                break;
            default:
                throw new InvalidOperationException($"no layout for {predicate.GetType().Name}");
        }
    }

    private static string Operator(ComparisonOperator op) => SyntaxFacts.Text(op);

    private static string Literal(LiteralSyntax literal) => literal switch
    {
        NumberLiteralSyntax n => Number(n),
        BoolLiteralSyntax b => b.Value ? "true" : "false",
        MemberLiteralSyntax m => m.Name.Text,
        _ => throw new InvalidOperationException($"no layout for {literal.GetType().Name}"),
    };
}
