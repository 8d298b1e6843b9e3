using System.Globalization;
using System.Text;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Explain;

/// <summary>A customer as given on the command line, resolved against a policy's attributes.</summary>
public sealed record CustomerValues(decimal[] Values, SegmentSymbol? AssignedSegment, string Display);

/// <summary>The owners accountable for a customer at one stage, and the declarations that decided it.</summary>
/// <remarks>
/// <see cref="Owners"/> lists every claim on the customer's cells, so a cell claimed twice
/// (OWN0102) shows both claims. <see cref="Fallback"/> is the fallback owner when no claim gives
/// the customer an owner.
/// </remarks>
public sealed record StageAccountability(StageSymbol Stage, IReadOnlyList<(OwnerSymbol Owner, SegmentSymbol Segment, AssignmentSymbol Declaration)> Owners)
{
    public OwnerSymbol? Fallback { get; init; }

    public bool IsVacuum => Owners.Count == 0 && Fallback is null;

    /// <summary>Two declarations claim one of the customer's cells (OWN0102).</summary>
    public bool IsCellConflict => Owners.GroupBy(o => o.Segment).Any(g => g.Count() > 1);

    public bool IsConflict => Owners.Select(o => o.Owner).Distinct().Count() > 1;
}

/// <summary>
/// Answers "who is accountable for this customer, and why?" (<c>ownerc explain</c>): the
/// segments the customer is in and, per stage, the owner with the declaration that made them so.
/// </summary>
public sealed class AccountabilityExplainer
{
    private readonly BoundPolicy _policy;
    private readonly AccountabilityMap _map;

    public AccountabilityExplainer(BoundPolicy policy)
        : this(new PolicyFacts(policy))
    {
    }

    /// <summary>Explains from a compilation's shared facts (its accountability map is not built again).</summary>
    public AccountabilityExplainer(PolicyFacts facts)
    {
        _policy = facts.Policy;
        _map = facts.Accountability;
    }

    /// <summary>
    /// Parses <c>name=value,name=value</c>. Every attribute needs a value; <c>segment=Name</c>
    /// picks the assigned segment where the policy has them. Returns null with an error message
    /// when the text does not describe a customer of this policy.
    /// </summary>
    public CustomerValues? ParseCustomer(string text, out string? error)
    {
        var values = new decimal[_policy.Attributes.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SegmentSymbol? assigned = null;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=');
            if (equals <= 0)
            {
                error = $"'{part}' is not of the form name=value";
                return null;
            }

            string name = part[..equals].Trim();
            string value = part[(equals + 1)..].Trim();
            if (!seen.Add(name))
            {
                // A second value would silently replace the first: the customer explained would
                // not be the one the author meant.
                error = $"'{name}' is given more than once; give each attribute one value";
                return null;
            }

            if (name == "segment")
            {
                var assignedSegments = _policy.Segments.Where(s => s.IsAssigned).Select(s => s.Name).ToList();
                if (assignedSegments.Count == 0)
                {
                    error = $"policy {_policy.Name} has no assigned segments (all its segments have a 'where' predicate); remove segment={value}";
                    return null;
                }

                assigned = _policy.Segments.FirstOrDefault(s => s.IsAssigned && s.Name == value);
                if (assigned is null)
                {
                    error = $"'{value}' is not an assigned segment of policy {_policy.Name}{DidYouMean(value, assignedSegments)} (assigned segments: {string.Join(", ", assignedSegments)})";
                    return null;
                }

                continue;
            }

            AttributeSymbol? attribute = _policy.Attributes.FirstOrDefault(a => a.Name == name);
            if (attribute is null)
            {
                var attributes = _policy.Attributes.Select(a => a.Name).ToList();
                error = $"policy {_policy.Name} has no attribute '{name}'{DidYouMean(name, attributes)} (attributes: {string.Join(", ", attributes)})";
                return null;
            }

            if (!TryParseValue(attribute, value, out decimal parsed, out error))
            {
                return null;
            }

            values[attribute.Ordinal] = parsed;
        }

        var missing = _policy.Attributes.Where(a => !seen.Contains(a.Name)).Select(a => a.Name).ToList();
        if (missing.Count > 0)
        {
            error = $"the customer needs a value for every attribute; missing: {string.Join(", ", missing)}";
            return null;
        }

        if (_policy.HasAssignedSegments && assigned is null)
        {
            error = $"policy {_policy.Name} has assigned segments; say which one with segment=Name";
            return null;
        }

        error = null;
        return new CustomerValues(values, assigned, text);
    }

    public IReadOnlyList<SegmentSymbol> SegmentsOf(CustomerValues customer) =>
        [.. _policy.Segments.Where(s => s.IsAssigned ? s == customer.AssignedSegment : s.Predicate is { } p && PredicateEvaluator.Evaluate(p, customer.Values, customer.AssignedSegment))];

    public IReadOnlyList<StageAccountability> Explain(CustomerValues customer, StageSymbol? onlyStage = null)
    {
        IReadOnlyList<SegmentSymbol> segments = SegmentsOf(customer);
        var result = new List<StageAccountability>();
        foreach (StageSymbol stage in _policy.Stages.Where(s => onlyStage is null || s == onlyStage))
        {
            var owners = new List<(OwnerSymbol, SegmentSymbol, AssignmentSymbol)>();
            foreach (SegmentSymbol segment in segments)
            {
                foreach (AssignmentSymbol claim in _map.Claims(segment, stage))
                {
                    owners.Add((claim.Owner!, segment, claim));
                }
            }

            result.Add(new StageAccountability(stage, owners)
            {
                Fallback = owners.Count == 0 && segments.Count > 0 ? _policy.Fallback : null,
            });
        }

        return result;
    }

    /// <summary>The claims on one segment x stage cell (the first one decides; more are OWN0102).</summary>
    public IReadOnlyList<AssignmentSymbol> ClaimsOn(SegmentSymbol segment, StageSymbol stage) => _map.Claims(segment, stage);

    /// <summary>
    /// A plain-text report on one segment x stage cell: who is accountable and the declarations
    /// that claim it, then the offers naming the segment at that stage and who approves each for
    /// the owner an accountable line gives the cell (the owner, a superior up its reporting line, or nobody: OWN0302).
    /// </summary>
    public string DescribeCell(SegmentSymbol segment, StageSymbol stage)
    {
        var text = new StringBuilder();
        text.Append($"Segment {segment.Name} at {stage.Name}: ");
        IReadOnlyList<AssignmentSymbol> claims = ClaimsOn(segment, stage);
        OwnerSymbol? owner;
        if (claims.Count == 0 && _policy.Fallback is { } fallback)
        {
            text.Append($"no accountable line claims this cell; {fallback.Name}, the fallback owner ({_policy.LineReference(_policy.FallbackSyntax!)}), is accountable for its customers who have no owner through another segment (OWN0106).\n");

            // Its customers may have owners through other segments, so the fallback's approval
            // says nothing about theirs: --customer shows one customer's owners.
            owner = null;
        }
        else if (claims.Count == 0)
        {
            text.Append("nobody is accountable for this cell.\n");
            if (!segment.IsAssigned)
            {
                text.Append("Its customers may still have an owner through other segments they are in; use --customer to see one customer.\n");
            }

            owner = null;
        }
        else
        {
            owner = claims[0].Owner!;
            text.Append($"{owner.Name} is accountable.\n");
            foreach (AssignmentSymbol claim in claims)
            {
                text.Append($"  {_policy.LineReference(claim.Syntax)}: {_policy.LineTextOf(claim.Syntax)}\n");
            }

            if (claims.Count > 1)
            {
                text.Append("More than one declaration claims this cell (OWN0102): the first one decides until the conflict is fixed.\n");
            }
        }

        var offers = OffersTo(segment, stage);
        if (owner is not null && offers.Count > 0)
        {
            text.Append("Offers to this cell:\n");
            foreach (OfferSymbol offer in offers)
            {
                text.Append($"  {offer.Name} ({_policy.LineReference(offer.Syntax)}): {DescribeApproval(offer, owner)}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The offers that name the segment (or every segment) and run at the stage.</summary>
    public IReadOnlyList<OfferSymbol> OffersTo(SegmentSymbol segment, StageSymbol stage) =>
        [.. _policy.Offers.Where(o => o.Stages.Contains(stage) && (o.Segments.IsAll || o.Segments.Listed.Contains(segment)))];

    /// <summary>Who approves the offer for customers of the owner, in words.</summary>
    private static string DescribeApproval(OfferSymbol offer, OwnerSymbol owner)
    {
        string how(OwnerSymbol approver) => offer.Sponsor == approver ? "sponsored" : "approved";
        if (offer.ApproverFor(owner) is not { } approver)
        {
            return owner.ReportsTo is null
                ? $"not approved: {owner.Name} neither sponsors nor approves it (OWN0302)"
                : $"not approved: neither {owner.Name} nor anyone {owner.Name} reports to ({string.Join(", ", owner.Superiors.Select(o => o.Name))}) sponsors or approves it (OWN0302)";
        }

        if (approver == owner)
        {
            return $"{how(owner)} by {owner.Name}, the accountable owner";
        }

        // Name the line in between, so a reader sees why the superior's approval counts here.
        var between = owner.Superiors.TakeWhile(s => s != approver).Select(s => s.Name).ToList();
        string through = between.Count == 0 ? "" : $" through {string.Join(", ", between)}";
        return $"{how(approver)} by {approver.Name}, to whom {owner.Name} reports{through}";
    }

    /// <summary>A plain-text report for people.</summary>
    public string Describe(CustomerValues customer, StageSymbol? onlyStage = null)
    {
        var text = new StringBuilder();
        text.Append("Customer: ").Append(customer.Display).Append('\n');
        IReadOnlyList<SegmentSymbol> segments = SegmentsOf(customer);
        text.Append(segments.Count == 0 ? "In no segment: nobody can be accountable for this customer (uncovered customer, OWN0103).\n" : "In segments:\n");
        foreach (SegmentSymbol segment in segments)
        {
            string why = segment.IsAssigned
                ? "assigned by the host"
                : "where " + _policy.TextOf(segment.Syntax.Predicate!);
            text.Append($"  {segment.Name}  ({_policy.LineReference(segment.Syntax)}: {why})\n");
        }

        text.Append("Accountable owner by stage:\n");
        IReadOnlyList<StageAccountability> stages = Explain(customer, onlyStage);
        int width = stages.Count == 0 ? 0 : stages.Max(s => s.Stage.Name.Length);
        foreach (StageAccountability stage in stages)
        {
            text.Append("  ").Append(stage.Stage.Name.PadRight(width)).Append("  ");
            if (segments.Count == 0)
            {
                text.Append("nobody (in no segment, OWN0103)\n");
                continue;
            }

            if (stage.Fallback is { } fallback)
            {
                text.Append($"{fallback.Name}, the fallback owner ({_policy.LineReference(_policy.FallbackSyntax!)}): no accountable line claims this customer (OWN0106)\n");
                continue;
            }

            if (stage.IsVacuum)
            {
                text.Append("nobody (accountability vacuum, OWN0101)\n");
                continue;
            }

            var distinct = stage.Owners.GroupBy(o => o.Owner).ToList();
            if (stage.IsCellConflict)
            {
                text.Append("CONFLICT (OWN0102, one cell claimed twice): ");
            }
            else if (distinct.Count > 1)
            {
                text.Append("CONFLICT (OWN0104): ");
            }

            text.Append(string.Join("; ", distinct.Select(g =>
                $"{g.Key.Name} via {string.Join(", ", g.Select(o => $"{o.Segment.Name} ({_policy.LineReference(o.Declaration.Syntax)})"))}")));
            text.Append('\n');
        }

        return text.ToString();
    }

    private static string DidYouMean(string name, IEnumerable<string> candidates) =>
        SpellingSuggestion.Closest(name, candidates) is { } closest ? $"; did you mean '{closest}'?" : "";

    private static bool TryParseValue(AttributeSymbol attribute, string text, out decimal value, out string? error)
    {
        error = null;
        value = 0;
        switch (attribute.Type)
        {
            case AttributeKind.Bool when text is "true" or "false":
                value = text == "true" ? 1 : 0;
                return true;
            case AttributeKind.Bool:
                error = $"'{attribute.Name}' is a bool; write {attribute.Name}=true or {attribute.Name}=false, not '{text}'";
                return false;
            case AttributeKind.Enum:
                int index = attribute.Members.IndexOf(text);
                if (index < 0)
                {
                    error = $"'{text}' is not a member of '{attribute.Name}' ({string.Join(", ", attribute.Members)})";
                    return false;
                }

                value = index;
                return true;
            default:
                bool ok = decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
                if (!ok || (attribute.Type == AttributeKind.Int && value != decimal.Truncate(value)))
                {
                    error = $"'{attribute.Name}' is {(attribute.Type == AttributeKind.Int ? "an int; write a whole number" : "a decimal; write a number")}, not '{text}'";
                    return false;
                }

                // The generated customer record holds an int attribute in a C# int: a larger
                // value is no customer the application could ever pass.
                if (attribute.Type == AttributeKind.Int && value is < int.MinValue or > int.MaxValue)
                {
                    error = $"'{attribute.Name}' is an int; write a whole number from {int.MinValue} to {int.MaxValue}, not '{text}'";
                    return false;
                }

                return true;
        }
    }
}
