using System.Text;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.LanguageServer.Workspace;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>
/// Hover: what the policy says about the name under the caret, from the semantic model. A
/// segment shows its predicate and its accountable owner at each stage; an owner, the cells it
/// is accountable for; a stage, who owns each segment there; an offer, its sponsor, approvers
/// and the limits that cover it.
/// </summary>
internal static class HoverProvider
{
    public static Lsp.Hover? Hover(DocumentAnalysis analysis, Lsp.Position position)
    {
        if (analysis.OccurrenceAt(position) is not { } occurrence)
        {
            return null;
        }

        string text = Describe(analysis, occurrence.Symbol);
        return new Lsp.Hover(new Lsp.MarkupContent("markdown", text), analysis.RangeOf(occurrence.Span));
    }

    public static string Describe(DocumentAnalysis analysis, Symbol symbol)
    {
        BoundPolicy policy = analysis.Policy;
        var text = new StringBuilder();
        string kind = symbol.Kind.ToString().ToLowerInvariant();
        text.Append("```owner\n");
        switch (symbol)
        {
            case SegmentSymbol { Syntax.Predicate: { } predicate } segment:
                text.Append($"segment {segment.Name} where {policy.TextOf(predicate)}\n```\n");
                break;
            case AttributeSymbol attribute:
                text.Append($"attribute {attribute.Name}: {attribute.TypeDisplay}")
                    .Append(attribute.Members.IsEmpty ? "" : " { " + string.Join(", ", attribute.Members) + " }").Append("\n```\n");
                break;
            case ChannelSymbol { Capacity: { } capacity } channel:
                text.Append($"channel {channel.Name} capacity {capacity.Amount} per {capacity.Period.ToString().ToLowerInvariant()}\n```\n");
                break;
            case EventSymbol:
                text.Append($"event {symbol.Name}\n```\n");
                break;
            default:
                text.Append($"{kind} {symbol.Name}\n```\n");
                break;
        }

        if (symbol is SegmentSymbol { Documentation: { } segmentDoc })
        {
            text.Append('\n').Append(segmentDoc).Append('\n');
        }
        else if (symbol is OwnerSymbol { Documentation: { } ownerDoc })
        {
            text.Append('\n').Append(ownerDoc).Append('\n');
        }

        // Whose cells: only a policy without binding errors has a meaningful map.
        AccountabilityMap? map = policy.Stages.IsEmpty ? null : analysis.Compilation.Facts.Accountability;
        switch (symbol)
        {
            case SegmentSymbol segment when map is not null:
                if (segment.IsAssigned)
                {
                    text.Append("\nAssigned by the host application (no `where`).\n");
                }

                text.Append("\n| stage | accountable |\n| --- | --- |\n");
                foreach (StageSymbol stage in policy.Stages)
                {
                    text.Append($"| {stage.Name} | {OwnerCell(policy, map, segment, stage)} |\n");
                }

                break;
            case StageSymbol stage when map is not null:
                text.Append($"\nStage {stage.Ordinal + 1} of {policy.Stages.Length}.\n");
                if (!policy.Segments.IsEmpty)
                {
                    text.Append("\n| segment | accountable |\n| --- | --- |\n");
                    foreach (SegmentSymbol segment in policy.Segments)
                    {
                        text.Append($"| {segment.Name} | {OwnerCell(policy, map, segment, stage)} |\n");
                    }
                }

                break;
            case OwnerSymbol owner when map is not null:
                var cells = policy.Segments
                    .Select(s => (Segment: s, Stages: policy.Stages.Where(st => ReferenceEquals(map.OwnerOf(s, st), owner)).ToList()))
                    .Where(c => c.Stages.Count > 0)
                    .ToList();
                text.Append(cells.Count == 0 ? "\nAccountable for no cell.\n" : "\nAccountable for:\n");
                foreach ((SegmentSymbol segment, List<StageSymbol> stages) in cells)
                {
                    text.Append($"- {segment.Name} at {Naming.Stages(stages)}\n");
                }

                AppendReportingLine(text, policy, owner);
                break;
            case OfferSymbol offer:
                text.Append($"\n- sponsor: {offer.Sponsor?.Name ?? "(unknown)"}\n");
                text.Append($"- to: {(offer.Segments.IsAll ? "*" : string.Join(", ", offer.Segments.Listed.Select(s => s.Name)))}\n");
                text.Append($"- at: {Naming.Stages(offer.Stages)}\n");
                if (!offer.Channels.IsEmpty)
                {
                    text.Append($"- via: {string.Join(", ", offer.Channels.Select(c => c.Name))}\n");
                }

                text.Append($"- approved by: {(offer.ApprovedBy.IsEmpty ? "nobody" : string.Join(", ", offer.ApprovedBy.Select(o => o.Name)))}\n");
                var coverage = new LimitCoverage(policy);
                AppendLimits(text, policy, coverage.OfferWide(offer).Concat(offer.Channels.SelectMany(c => coverage.OnChannel(c, offer))));
                break;
            case ChannelSymbol channel:
                AppendLimits(text, policy, new LimitCoverage(policy).OnChannel(channel));
                break;
            case EventSymbol @event:
                foreach (CooldownSymbol cooldown in policy.Cooldowns.Where(c => ReferenceEquals(c.Event, @event)))
                {
                    text.Append($"\n- no contact for {cooldown.Duration} {cooldown.Unit.ToString().ToLowerInvariant()}(s) after it\n");
                }

                break;
        }

        return text.ToString();
    }

    private static void AppendLimits(StringBuilder text, BoundPolicy policy, IEnumerable<LimitSymbol> limits)
    {
        var list = limits.ToList();
        text.Append(list.Count == 0 ? "\nNo limit covers it.\n" : "\nLimits:\n");
        foreach (LimitSymbol limit in list)
        {
            text.Append($"- {LimitCoverage.DescribeScope(limit)}: {LimitCoverage.Describe(limit)} ({policy.LineReference(limit.Syntax)})\n");
        }
    }

    /// <summary>
    /// Whom the owner escalates to, who escalates to it, and whether it is the fallback: an
    /// approval by anyone up the line counts for the owner's customers (OWN0302).
    /// </summary>
    private static void AppendReportingLine(StringBuilder text, BoundPolicy policy, OwnerSymbol owner)
    {
        var superiors = owner.Superiors.Select(o => o.Name).ToList();
        if (superiors.Count > 0)
        {
            text.Append($"\nReports to: {string.Join(" → ", superiors)}\n");
        }

        var reports = policy.Owners.Where(o => ReferenceEquals(o.ReportsTo, owner)).Select(o => o.Name).ToList();
        if (reports.Count > 0)
        {
            text.Append($"\nDirect reports: {string.Join(", ", reports)}\n");
        }

        if (ReferenceEquals(policy.Fallback, owner))
        {
            text.Append($"\nThe fallback owner ({policy.LineReference(policy.FallbackSyntax!)}): accountable for every customer no accountable line claims (OWN0106).\n");
        }
    }

    private static string OwnerCell(BoundPolicy policy, AccountabilityMap map, SegmentSymbol segment, StageSymbol stage)
    {
        IReadOnlyList<AssignmentSymbol> claims = map.Claims(segment, stage);
        return claims.Count switch
        {
            0 when policy.Fallback is { } fallback => $"{fallback.Name} (fallback)",
            0 => "*none*",
            1 => claims[0].Owner!.Name,
            _ => string.Join(", ", claims.Select(c => c.Owner!.Name)) + " (conflict)",
        };
    }
}
