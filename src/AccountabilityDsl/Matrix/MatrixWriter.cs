using System.Net;
using System.Text;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Matrix;

/// <summary>The output forms of <c>ownerc matrix</c>.</summary>
public enum MatrixFormat { Text, Markdown, Html }

/// <summary>
/// Writes an <see cref="AccountabilityMatrix"/> as a plain aligned grid for a terminal, a GitHub
/// Markdown table, or a self-contained HTML page (inline CSS, no scripts, no external
/// resources). Every problem cell carries a text marker as well as any colour, so every form
/// reads without colour. Output is deterministic and uses '\n' line endings.
/// </summary>
public static class MatrixWriter
{
    public static string Write(AccountabilityMatrix matrix, MatrixFormat format) => format switch
    {
        MatrixFormat.Markdown => ToMarkdown(matrix),
        MatrixFormat.Html => ToHtml(matrix),
        _ => ToText(matrix),
    };

    /// <summary>The one-character ASCII marker of a state in the text grid ('' for an owned cell).</summary>
    public static string AsciiMarker(CellState state) => state switch
    {
        CellState.Conflict => "X",
        CellState.OverlapConflict => "~",
        CellState.Vacuum => "!",
        CellState.CoveredElsewhere => "-",
        CellState.Unanalysed => "?",
        CellState.Fallback => "^",
        _ => "",
    };

    /// <summary>The symbol of a state in Markdown and HTML ('' for an owned cell).</summary>
    public static string Symbol(CellState state) => state switch
    {
        CellState.Conflict => "✖",
        CellState.OverlapConflict => "⇄",
        CellState.Vacuum => "⚠",
        CellState.CoveredElsewhere => "○",
        CellState.Unanalysed => "?",
        CellState.Fallback => "⤴",
        _ => "",
    };

    private static readonly CellState[] LegendOrder =
        [CellState.Vacuum, CellState.Fallback, CellState.Conflict, CellState.OverlapConflict, CellState.CoveredElsewhere, CellState.Unanalysed];

    /// <summary>The states a legend explains: "not analysed" and "fallback" only where they can occur.</summary>
    private static IEnumerable<CellState> Legend(AccountabilityMatrix matrix) => LegendOrder.Where(s =>
        (s != CellState.Unanalysed || !matrix.IsAnalysed) && (s != CellState.Fallback || matrix.Policy.Fallback is not null));

    /// <summary>What a state means, for the legend.</summary>
    public static string Meaning(CellState state) => state switch
    {
        CellState.Owned => "one accountable owner",
        CellState.Conflict => "conflict: several accountable declarations claim the cell (OWN0102)",
        CellState.OverlapConflict => "overlap conflict: a segment sharing these customers has another owner at this stage (OWN0104)",
        CellState.Vacuum => "vacuum: some customers of the segment have no accountable owner at this stage (OWN0101)",
        CellState.CoveredElsewhere => "no owner for the segment, but every one of its customers has one through another segment (not a vacuum)",
        CellState.Unanalysed => "no owner for the segment; the policy is too complex to tell whether that is a vacuum (OWN0108)",
        CellState.Fallback => "fallback: no accountable line claims some customers of the segment at this stage, so only the fallback owner is accountable for them (OWN0106)",
        _ => state.ToString(),
    };

    // ---- text ----

    public static string ToText(AccountabilityMatrix matrix)
    {
        var text = new StringBuilder();
        text.Append($"Accountability matrix of policy {matrix.PolicyName} ({matrix.FilePath})\n\n");
        var header = new List<string> { "Segment" };
        header.AddRange(matrix.Stages.Select(s => s.Name));
        var rows = new List<List<string>> { header };
        foreach (SegmentSymbol segment in matrix.Segments)
        {
            var row = new List<string> { segment.Name + (segment.IsAssigned ? " (assigned)" : "") };
            row.AddRange(matrix.Row(segment).Select(PlainLabel));
            rows.Add(row);
        }

        int[] widths = [.. Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length))];
        void Line(IReadOnlyList<string> cells) => text.Append(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        Line(rows[0]);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (List<string> row in rows.Skip(1))
        {
            Line(row);
        }

        text.Append("\nLegend:\n");
        foreach (CellState state in Legend(matrix))
        {
            text.Append($"  {AsciiMarker(state)}  {Meaning(state)}\n");
        }

        text.Append("  R: responsible, C: consulted, I: informed (never conflicts)\n");
        AppendFindings(matrix, text, "\nFindings:\n", "  ", c => $"{c.Segment.Name} at {c.Stage.Name}: {AsciiMarker(c.State)} {Finding(c)}");
        text.Append('\n').Append(Summary(matrix)).Append('\n');
        return text.ToString();
    }

    private static string PlainLabel(MatrixCell cell)
    {
        string main = cell.State switch
        {
            CellState.Owned => cell.Owner!.Name,
            CellState.Conflict => "X " + Claimants(cell),
            CellState.OverlapConflict => "~ " + cell.Owner!.Name,
            CellState.Vacuum => "! nobody",
            CellState.Fallback => "^ " + cell.FallbackOwner!.Name + " (fallback)",
            CellState.CoveredElsewhere => "- covered",
            _ => "? nobody",
        };
        return main + Raci(cell, " ");
    }

    private static string Claimants(MatrixCell cell)
    {
        var owners = cell.ClaimingOwners.Select(o => o.Name).ToList();
        return owners.Count < cell.Claims.Length
            ? $"{string.Join(" / ", owners)} ({cell.Claims.Length} claims)"
            : string.Join(" / ", owners);
    }

    private static string Raci(MatrixCell cell, string separator)
    {
        var parts = new List<string>();
        foreach (RaciRole role in (RaciRole[])[RaciRole.Responsible, RaciRole.Consulted, RaciRole.Informed])
        {
            var owners = cell.OthersIn(role).Select(o => o.Owner.Name).Distinct().ToList();
            if (owners.Count > 0)
            {
                parts.Add($"{role.ToString()[0]}:{string.Join(",", owners)}");
            }
        }

        return parts.Count == 0 ? "" : separator + string.Join(" ", parts);
    }

    /// <summary>One sentence on a problem cell: what is wrong, which declarations, which rule.</summary>
    public static string Finding(MatrixCell cell)
    {
        var parts = new List<string>();
        switch (cell.State)
        {
            case CellState.Vacuum:
                parts.Add(cell.Segment.IsAssigned
                    ? $"vacuum (OWN0101): nobody is accountable for {cell.Segment.Name} at {cell.Stage.Name}"
                    : $"vacuum (OWN0101): nobody is accountable for some customers of {cell.Segment.Name} at {cell.Stage.Name}, not even through another segment");
                break;
            case CellState.Fallback:
                parts.Add($"fallback (OWN0106): no accountable line claims {(cell.Segment.IsAssigned ? cell.Segment.Name : $"some customers of {cell.Segment.Name}")} at {cell.Stage.Name}, so only the fallback owner {cell.FallbackOwner!.Name} is accountable for them");
                break;
            case CellState.Conflict:
                parts.Add($"conflict (OWN0102): claimed by {string.Join(", ", cell.Claims.Select(c => $"{c.Owner.Name} ({c.Where})"))}; the first claim decides until one is kept");
                break;
        }

        if (!cell.Overlaps.IsEmpty)
        {
            parts.Add($"overlap conflict (OWN0104): {cell.Owner!.Name} ({cell.Claims[0].Where}) is accountable here, but the segment shares customers with "
                + string.Join(", ", cell.Overlaps.Select(o => $"{o.Segment.Name} (accountable: {o.Owner.Name}, {o.Where})")));
        }

        return string.Join("; ", parts);
    }

    private static void AppendFindings(AccountabilityMatrix matrix, StringBuilder text, string heading, string indent, Func<MatrixCell, string> line)
    {
        var problems = matrix.Cells.Where(c => c.IsProblem).ToList();
        if (problems.Count == 0)
        {
            return;
        }

        text.Append(heading);
        foreach (MatrixCell cell in problems)
        {
            text.Append(indent).Append(line(cell)).Append('\n');
        }
    }

    public static string Summary(AccountabilityMatrix matrix)
    {
        int total = matrix.Cells.Count;
        string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
        var parts = new List<string>
        {
            Count(matrix.Count(CellState.Owned), "owned", "owned"),
            Count(matrix.Count(CellState.Vacuum), "vacuum", "vacuums"),
            Count(matrix.Count(CellState.Conflict), "conflict", "conflicts"),
            Count(matrix.Count(CellState.OverlapConflict), "overlap conflict", "overlap conflicts"),
            Count(matrix.Count(CellState.CoveredElsewhere), "covered elsewhere", "covered elsewhere"),
        };
        if (matrix.Policy.Fallback is not null)
        {
            parts.Insert(2, Count(matrix.Count(CellState.Fallback), "owned through the fallback", "owned through the fallback"));
        }

        if (!matrix.IsAnalysed)
        {
            parts.Add(Count(matrix.Count(CellState.Unanalysed), "not analysed", "not analysed"));
        }

        return $"{Count(total, "cell", "cells")} ({matrix.Segments.Length} segments x {matrix.Stages.Length} stages): {string.Join(", ", parts)}";
    }

    // ---- markdown ----

    public static string ToMarkdown(AccountabilityMatrix matrix)
    {
        var text = new StringBuilder();
        text.Append($"# Accountability matrix: {matrix.PolicyName}\n\n");
        text.Append($"Source: {MarkdownCode(matrix.FilePath)}\n\n");
        text.Append("| Segment | ").Append(string.Join(" | ", matrix.Stages.Select(s => s.Name))).Append(" |\n");
        text.Append("|---|").Append(string.Concat(matrix.Stages.Select(_ => "---|"))).Append('\n');
        foreach (SegmentSymbol segment in matrix.Segments)
        {
            text.Append($"| **{segment.Name}**{(segment.IsAssigned ? " (assigned)" : "")} | ");
            text.Append(string.Join(" | ", matrix.Row(segment).Select(MarkdownLabel))).Append(" |\n");
        }

        text.Append("\n**Legend:** ");
        text.Append(string.Join("; ", Legend(matrix)
            .Select(s => $"{Symbol(s)} {Meaning(s)}")));
        text.Append("; R: responsible, C: consulted, I: informed (never conflicts). A cell names its owner and the line of the deciding `accountable` declaration.\n");
        AppendFindings(matrix, text, "\n## Findings\n\n", "- ", c => $"**{c.Segment.Name} at {c.Stage.Name}**: {Symbol(c.State)} {Finding(c)}");
        text.Append('\n').Append(Summary(matrix)).Append('\n');
        return text.ToString();
    }

    private static string MarkdownLabel(MatrixCell cell)
    {
        string Lines() => string.Join(", ", cell.DecidingLines);
        string main = cell.State switch
        {
            CellState.Owned => $"{cell.Owner!.Name} (line {Lines()})",
            CellState.Conflict => $"✖ **conflict**: {string.Join(" / ", cell.Claims.Select(c => $"{c.Owner.Name} ({c.Where})"))}",
            CellState.OverlapConflict => $"⇄ **overlap**: {cell.Owner!.Name} (line {Lines()}) vs {string.Join(", ", cell.Overlaps.Select(o => o.Owner.Name).Distinct())}",
            CellState.Vacuum => "⚠ **vacuum**",
            CellState.Fallback => $"⤴ **fallback**: {cell.FallbackOwner!.Name}",
            CellState.CoveredElsewhere => "○ covered elsewhere",
            _ => "? not analysed",
        };
        if (cell.State == CellState.Conflict && !cell.Overlaps.IsEmpty)
        {
            main += " ⇄ overlap";
        }

        return main + Raci(cell, "<br>");
    }

    private static string MarkdownCode(string text) =>
        text.Contains('`', StringComparison.Ordinal) ? "`` " + text.Replace("|", "\\|", StringComparison.Ordinal) + " ``" : "`" + text.Replace("|", "\\|", StringComparison.Ordinal) + "`";

    // ---- html ----

    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1b1b1b; background: #fff; }
        h1 { font-size: 1.4rem; }
        p.source { color: #555; }
        table.matrix { border-collapse: collapse; margin: 1rem 0; }
        table.matrix th, table.matrix td { border: 1px solid #999; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
        table.matrix thead th { background: #eee; }
        table.matrix tbody th { background: #f6f6f6; font-weight: 600; }
        td .line { color: #666; font-size: 0.8em; white-space: nowrap; }
        td .raci { display: block; color: #444; font-size: 0.8em; }
        .marker { font-weight: 700; margin-right: 0.2em; }
        .owned { background: #e8f5e9; }
        .conflict { background: #ffcdd2; border: 2px solid #b71c1c !important; }
        .overlap { background: #ffe0b2; border: 2px dashed #e65100 !important; }
        .vacuum { background: #fff59d; border: 2px solid #f57f17 !important; }
        .covered { background: #f5f5f5; color: #555; }
        .fallback { background: #e1f5fe; border: 2px dashed #0277bd !important; }
        .unanalysed { background: #e0e0e0; }
        ul.legend { list-style: none; padding: 0; }
        ul.legend li { margin: 0.3rem 0; }
        ul.legend span.swatch { display: inline-block; min-width: 2.2em; text-align: center; border: 1px solid #999; margin-right: 0.5em; }
        """;

    public static string ToHtml(AccountabilityMatrix matrix)
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append($"<title>Accountability matrix: {E(matrix.PolicyName)}</title>\n");
        html.Append("<style>\n").Append(Css.ReplaceLineEndings("\n")).Append("\n</style>\n</head>\n<body>\n");
        html.Append($"<h1>Accountability matrix: {E(matrix.PolicyName)}</h1>\n");
        html.Append($"<p class=\"source\">Source: <code>{E(matrix.FilePath)}</code>. {E(Summary(matrix))}.</p>\n");
        html.Append("<table class=\"matrix\">\n<caption>Accountable owner by segment (rows) and stage (columns)</caption>\n<thead>\n<tr><th scope=\"col\">Segment</th>");
        foreach (StageSymbol stage in matrix.Stages)
        {
            html.Append($"<th scope=\"col\">{E(stage.Name)}</th>");
        }

        html.Append("</tr>\n</thead>\n<tbody>\n");
        foreach (SegmentSymbol segment in matrix.Segments)
        {
            string rowTitle = SegmentTitle(matrix.Policy, segment);
            html.Append($"<tr><th scope=\"row\" title=\"{E(rowTitle)}\">{E(segment.Name)}</th>");
            foreach (MatrixCell cell in matrix.Row(segment))
            {
                html.Append($"<td class=\"{CssClass(cell.State)}\" title=\"{E(CellTitle(cell))}\">{HtmlLabel(cell, E)}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n<h2>Legend</h2>\n<ul class=\"legend\">\n");
        html.Append($"<li><span class=\"swatch owned\">&#160;</span>owner name: {E(Meaning(CellState.Owned))}, with the line of the deciding declaration (hover a cell for the declarations)</li>\n");
        foreach (CellState state in Legend(matrix))
        {
            html.Append($"<li><span class=\"swatch {CssClass(state)}\"><span class=\"marker\">{Symbol(state)}</span></span>{E(Meaning(state))}</li>\n");
        }

        html.Append("<li><span class=\"swatch\">R C I</span>responsible, consulted, informed (never conflicts)</li>\n</ul>\n");
        var problems = matrix.Cells.Where(c => c.IsProblem).ToList();
        if (problems.Count > 0)
        {
            html.Append("<h2>Findings</h2>\n<ul class=\"findings\">\n");
            foreach (MatrixCell cell in problems)
            {
                html.Append($"<li><strong>{E(cell.Segment.Name)} at {E(cell.Stage.Name)}</strong>: <span class=\"marker\">{Symbol(cell.State)}</span>{E(Finding(cell))}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string CssClass(CellState state) => state switch
    {
        CellState.Conflict => "conflict",
        CellState.OverlapConflict => "overlap",
        CellState.Vacuum => "vacuum",
        CellState.Fallback => "fallback",
        CellState.CoveredElsewhere => "covered",
        CellState.Unanalysed => "unanalysed",
        _ => "owned",
    };

    private static string HtmlLabel(MatrixCell cell, Func<string, string> e)
    {
        string Line(CellClaim claim) => $" <span class=\"line\">{e(claim.Where)}</span>";
        string marker = Symbol(cell.State) is { Length: > 0 } symbol ? $"<span class=\"marker\">{symbol}</span>" : "";
        string main = cell.State switch
        {
            CellState.Owned => e(cell.Owner!.Name) + Line(cell.Claims[0]),
            CellState.Conflict => marker + "conflict: " + string.Join(" / ", cell.Claims.Select(c => e(c.Owner.Name) + Line(c))),
            CellState.OverlapConflict => marker + e(cell.Owner!.Name) + Line(cell.Claims[0]) + " overlap vs " + e(string.Join(", ", cell.Overlaps.Select(o => o.Owner.Name).Distinct())),
            CellState.Vacuum => marker + "vacuum",
            CellState.Fallback => marker + "fallback: " + e(cell.FallbackOwner!.Name),
            CellState.CoveredElsewhere => marker + "covered elsewhere",
            _ => marker + "not analysed",
        };
        if (cell.State == CellState.Conflict && !cell.Overlaps.IsEmpty)
        {
            main += " <span class=\"marker\">⇄</span>overlap";
        }

        string raci = Raci(cell, "");
        return raci.Length == 0 ? main : main + $"<span class=\"raci\">{e(raci)}</span>";
    }

    private static string SegmentTitle(BoundPolicy policy, SegmentSymbol segment)
    {
        string where = segment.IsAssigned ? "assigned by the host" : "where " + policy.TextOf(segment.Syntax.Predicate!);
        string doc = segment.Documentation is { Length: > 0 } d ? $"{d}\n" : "";
        return $"{doc}{policy.LineReference(segment.Syntax)}: {where}";
    }

    private static string CellTitle(MatrixCell cell)
    {
        var lines = new List<string> { $"{cell.Segment.Name} at {cell.Stage.Name}: {Meaning(cell.State)}" };
        lines.AddRange(cell.Claims.Concat(cell.Others).Select(c => $"{c.Where}: {c.LineText}"));
        lines.AddRange(cell.Overlaps.Select(o => $"overlaps {o.Segment.Name}, {o.Where}: {o.LineText}"));
        return string.Join("\n", lines);
    }
}
