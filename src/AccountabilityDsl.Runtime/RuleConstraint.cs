namespace AccountabilityDsl.Runtime;

/// <summary>Whose contacts a <see cref="RuleConstraint"/> counts: the request's customer, its household, or everyone's.</summary>
internal enum CountedBy : byte
{
    Customer,
    Household,
    Everyone,
}

/// <summary>
/// A <see cref="CountConstraint"/> as <see cref="ContactGate"/> builds it for the in-memory ledger: the index of the
/// rule, whose contacts it counts, the window start and the cap. What the rule counts is the rule's filter
/// (<c>templates[RuleIndex]</c>: a <see cref="ContactFilter"/> without customer or household, made once per rule), and
/// the customer and household are the request's, passed once per call. Building one is four stores of plain values —
/// no references, so no write barriers — where building a <see cref="CountConstraint"/> copies a filter of six fields;
/// for a policy of twenty rules that copying was most of a decision.
/// </summary>
internal readonly struct RuleConstraint(int ruleIndex, CountedBy by, long fromUtcTicks, int maxCount)
{
    public int RuleIndex { get; } = ruleIndex;

    public CountedBy By { get; } = by;

    public long FromUtcTicks { get; } = fromUtcTicks;

    public int MaxCount { get; } = maxCount;

    /// <summary>The same constraint as the public <see cref="CountConstraint"/> every ledger takes.</summary>
    public CountConstraint ToCountConstraint(ContactFilter[] templates, string customerId, string? householdId)
    {
        ref readonly var template = ref templates[RuleIndex];
        return new(
            By switch
            {
                CountedBy.Customer => template with { CustomerId = customerId },
                CountedBy.Household => template with { HouseholdId = householdId },
                _ => template,
            },
            FromUtcTicks,
            MaxCount);
    }
}

/// <summary>
/// A request's segments and stage as bits of the names that rules are scoped by (each such segment name and stage name
/// has a bit; see <c>ContactGate.InScope</c>); default until computed.
/// </summary>
internal readonly struct ScopeBits(ulong segments, ulong stage)
{
    public static ScopeBits Of(ContactRequest request, (Dictionary<string, int> Segments, Dictionary<string, int> Stages) names) =>
        new(Bits(request.Segments, names.Segments), request.Stage is { } stage && names.Stages.TryGetValue(stage, out var bit) ? 1UL << bit : 0);

    public ulong Segments { get; } = segments;

    public ulong Stage { get; } = stage;

    public bool Known { get; } = true;

    /// <summary>True when a rule with these segment and stage bits (0: not scoped by it) applies to the request.</summary>
    public bool InScope(ulong segmentBits, ulong stageBits) =>
        (segmentBits == 0 || (segmentBits & Segments) != 0) && (stageBits == 0 || (stageBits & Stage) != 0);

    /// <summary>The bits of the <paramref name="names"/> that rules are scoped by (others have none).</summary>
    public static ulong Bits(IReadOnlyCollection<string>? names, Dictionary<string, int> index)
    {
        var bits = 0UL;
        if (names is IReadOnlyList<string> list)
        {
            // Indexed: enumerating through the interface would allocate an enumerator per call.
            for (var i = 0; i < list.Count; i++)
            {
                if (index.TryGetValue(list[i], out var bit))
                {
                    bits |= 1UL << bit;
                }
            }
        }
        else if (names is not null)
        {
            foreach (var name in names)
            {
                if (index.TryGetValue(name, out var bit))
                {
                    bits |= 1UL << bit;
                }
            }
        }
        return bits;
    }
}

/// <summary>
/// One counted rule of a <see cref="QuickPlan"/>: whose contacts it counts, its cap, its rolling window length (0 for a
/// window that needs the calendar) and its scope bits.
/// </summary>
internal readonly struct QuickRule(int ruleIndex, CountedBy by, int max, long rollingTicks, ulong segmentBits, ulong stageBits, ulong offerMask)
{
    /// <summary>The bits of the rule's offer condition in the in-memory ledger's offer Bloom words (0: none).</summary>
    public ulong OfferMask { get; } = offerMask;

    public int RuleIndex { get; } = ruleIndex;

    public CountedBy By { get; } = by;

    public int Max { get; } = max;

    public long RollingTicks { get; } = rollingTicks;

    public ulong SegmentBits { get; } = segmentBits;

    public ulong StageBits { get; } = stageBits;
}

/// <summary>
/// The counted rules (limits and exclusions) that apply to one (channel, offer) pair, as the in-memory ledger answers
/// them in its locked step without the per-decision constraints: a rule whose cap exceeds every contact the customer
/// (or its household) has in the ledger holds whatever those contacts are, so the ledger compares the customer's and
/// household's entry counts with <see cref="MinCustomerCap"/> and <see cref="MinHouseholdCap"/> first (one comparison
/// for the whole policy), then with each rule's cap, and counts only the rules that are left. Made once per pair, and
/// only when every counted rule is per customer or household with a cap above 0 (no capacity) and every scoped rule
/// has its bits.
/// </summary>
internal sealed class QuickPlan(QuickRule[] rules, bool needsSegments, bool needsStage)
{
    /// <summary>
    /// The rules, by cap (smallest first): once a rule's cap exceeds the entries its customer or household holds, so do
    /// all that follow of the same kind, and the ledger stops looking at them.
    /// </summary>
    public QuickRule[] Rules { get; } = [.. rules.OrderBy(r => r.Max)];

    /// <summary>The smallest cap of the rules that count the customer's contacts (<see cref="int.MaxValue"/>: none).</summary>
    public int MinCustomerCap { get; } = rules.Where(r => r.By == CountedBy.Customer).Select(r => r.Max).DefaultIfEmpty(int.MaxValue).Min();

    /// <summary>The smallest cap of the rules that count the household's contacts (<see cref="int.MaxValue"/>: none).</summary>
    public int MinHouseholdCap { get; } = rules.Where(r => r.By == CountedBy.Household).Select(r => r.Max).DefaultIfEmpty(int.MaxValue).Min();

    /// <summary>A rule is scoped by segment: a request without segments takes the full path (which names the rule).</summary>
    public bool NeedsSegments { get; } = needsSegments;

    /// <summary>A rule is scoped by stage: a request without a stage takes the full path.</summary>
    public bool NeedsStage { get; } = needsStage;
}
