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
