using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Explain;

namespace AccountabilityDsl.Runtime.Compiled;

/// <summary>
/// A policy ready to decide, built from its compilation without generating code: the runtime
/// <see cref="ContactPolicy"/>, segment membership of a customer, the accountable owner of every
/// segment × stage cell, offer approval and targeting, and offer ranking. Each member decides
/// exactly as the generated class's member of the same name (a test compares them on every
/// sample). Immutable and thread-safe.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly OwnerSymbol?[] _owners;
    private readonly int _stageCount;

    private CompiledPolicy(PolicyCompilation compilation)
    {
        Compilation = compilation;
        BoundPolicy policy = compilation.Policy;
        ContactPolicy = ContactPolicyBuilder.Build(policy);
        Explainer = new AccountabilityExplainer(policy);
        _stageCount = policy.Stages.Length;
        var map = new AccountabilityMap(policy);
        _owners = new OwnerSymbol?[policy.Segments.Length * _stageCount];
        foreach (SegmentSymbol segment in policy.Segments)
        {
            foreach (StageSymbol stage in policy.Stages)
            {
                _owners[segment.Ordinal * _stageCount + stage.Ordinal] = map.OwnerOf(segment, stage);
            }
        }

    }

    /// <summary>
    /// Builds the policy of a compilation. A compilation with errors has no policy to run (as
    /// <c>ownerc generate</c> refuses it): <see cref="InvalidOperationException"/>.
    /// </summary>
    public static CompiledPolicy Create(PolicyCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException($"Policy '{compilation.Policy.Name}' has errors; fix them before running it.");
        }

        return new CompiledPolicy(compilation);
    }

    /// <summary>The compilation the policy was built from (its diagnostics are warnings at most).</summary>
    public PolicyCompilation Compilation { get; }

    /// <summary>The bound policy: its segments, stages, owners, channels and offers.</summary>
    public BoundPolicy Policy => Compilation.Policy;

    /// <summary>The policy's name as declared in its header.</summary>
    public string Name => Policy.Name;

    /// <summary>The contact rules for <see cref="ContactGate"/>.</summary>
    public ContactPolicy ContactPolicy { get; }

    /// <summary>Explains a customer's accountability with the deciding declarations (<c>ownerc explain</c>).</summary>
    public AccountabilityExplainer Explainer { get; }

    /// <summary>A gate for this policy over the ledger, with the host's clock and time zone.</summary>
    public ContactGate CreateGate(IContactLedger ledger, TimeProvider clock, TimeZoneInfo zone, TimeSpan? defaultHold = null) =>
        new(ContactPolicy, ledger, clock, zone, defaultHold);

    /// <summary>
    /// The owner accountable for the segment at the stage: the one its accountable line names,
    /// else the <c>fallback</c> owner, else null.
    /// </summary>
    public OwnerSymbol? AccountableFor(SegmentSymbol segment, StageSymbol stage) => ClaimedOwner(segment, stage) ?? Policy.Fallback;

    /// <summary>The owner an accountable line names for the cell, without the fallback.</summary>
    private OwnerSymbol? ClaimedOwner(SegmentSymbol segment, StageSymbol stage)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(stage);
        return _owners[segment.Ordinal * _stageCount + stage.Ordinal];
    }

    /// <summary>True when the customer is in the segment (its predicate holds, or the host assigned the customer to it).</summary>
    public static bool IsIn(SegmentSymbol segment, CustomerValues customer)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(customer);
        return segment.IsAssigned
            ? customer.AssignedSegment == segment
            : segment.Predicate is { } predicate && PredicateEvaluator.Evaluate(predicate, customer.Values, customer.AssignedSegment);
    }

    /// <summary>The segments the customer is in, in declaration order.</summary>
    public IReadOnlyList<SegmentSymbol> SegmentsOf(CustomerValues customer) => [.. Policy.Segments.Where(s => IsIn(s, customer))];

    /// <summary>
    /// The distinct owners accountable at the stage for the customer's segments, in segment
    /// order; the <c>fallback</c> owner when none of those segments has one.
    /// </summary>
    public IReadOnlyList<OwnerSymbol> AccountableFor(CustomerValues customer, StageSymbol stage)
    {
        var owners = new List<OwnerSymbol>();
        bool inAnySegment = false;
        foreach (SegmentSymbol segment in Policy.Segments)
        {
            if (!IsIn(segment, customer))
            {
                continue;
            }

            inAnySegment = true;
            if (ClaimedOwner(segment, stage) is { } owner && !owners.Contains(owner))
            {
                owners.Add(owner);
            }
        }

        if (owners.Count == 0 && inAnySegment && Policy.Fallback is { } fallback)
        {
            owners.Add(fallback);
        }

        return owners;
    }

    /// <summary>The single owner accountable for the customer at the stage; null for nobody or for several.</summary>
    public OwnerSymbol? AccountableOwner(CustomerValues customer, StageSymbol stage) =>
        AccountableFor(customer, stage) is [var single] ? single : null;

    /// <summary>
    /// True when every owner accountable for the customer at the stage, or someone that owner
    /// reports to, sponsors or approves the offer, and there is one.
    /// </summary>
    public bool IsApproved(OfferSymbol offer, CustomerValues customer, StageSymbol stage)
    {
        ArgumentNullException.ThrowIfNull(offer);
        IReadOnlyList<OwnerSymbol> owners = AccountableFor(customer, stage);
        return owners.Count > 0 && owners.All(o => offer.ApproverFor(o) is not null);
    }

    /// <summary>True when the offer runs at the stage and the customer is in one of its segments.</summary>
    public bool Targets(OfferSymbol offer, CustomerValues customer, StageSymbol stage)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(stage);
        return offer.Stages.Contains(stage) && offer.Segments.Resolve(Policy.Segments).Any(s => IsIn(s, customer));
    }

    /// <summary>
    /// Ranks the offers that target the customer at the stage, one candidate per channel of each
    /// offer, approval computed from the policy; the gate excludes unapproved candidates and
    /// checks the rest without recording anything.
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(ContactGate gate, string customerId, CustomerValues customer, StageSymbol stage, string? category = null) =>
        RankOffers(gate, customerId, customer, stage, category, null, null);

    /// <summary>
    /// A contact request that carries what scoped and household limits and consent need: the
    /// customer's segments (computed from the record) and stage, the household id (null: a
    /// household of one) and the channels the customer consented to (empty: none; null: not known, so
    /// a request on a channel that requires consent throws an <see cref="ArgumentException"/> naming the rule).
    /// </summary>
    public ContactRequest CreateRequest(
        string customerId, CustomerValues customer, StageSymbol stage, ChannelSymbol channel, OfferSymbol? offer = null,
        string? category = null, string? householdId = null, IEnumerable<ChannelSymbol>? consents = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return CustomerRequest(customerId, customer, stage, householdId, consents) with { Channel = channel.Name, Offer = offer?.Name, Category = category };
    }

    /// <summary>
    /// Ranks offers as <see cref="RankOffers(ContactGate, string, CustomerValues, StageSymbol, string?)"/> does, passing
    /// the household id and the channels the customer consented to (for household limits and channels that require consent).
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(
        ContactGate gate, string customerId, CustomerValues customer, StageSymbol stage, string? category, string? householdId, IEnumerable<ChannelSymbol>? consents)
    {
        ArgumentNullException.ThrowIfNull(gate);
        if (!ReferenceEquals(gate.Policy, ContactPolicy))
        {
            throw new ArgumentException("The gate was not created for this policy; use CreateGate.", nameof(gate));
        }

        var candidates = new List<OfferCandidate>();
        foreach (OfferSymbol offer in Policy.Offers)
        {
            if (!Targets(offer, customer, stage))
            {
                continue;
            }

            bool approved = IsApproved(offer, customer, stage);
            OfferDefinition definition = ContactPolicy.Offers[offer.Ordinal];
            foreach (string channel in definition.Channels)
            {
                candidates.Add(new OfferCandidate(definition, channel, approved, category));
            }
        }

        return gate.RankOffers(CustomerRequest(customerId, customer, stage, householdId, consents), candidates);
    }

    /// <summary>The customer part of a request (id, segments, stage, household, consents); the gate or the caller sets the channel.</summary>
    private ContactRequest CustomerRequest(string customerId, CustomerValues customer, StageSymbol stage, string? householdId, IEnumerable<ChannelSymbol>? consents)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return new ContactRequest(customerId, "-")
        {
            Segments = [.. SegmentsOf(customer).Select(s => s.Name)],
            Stage = stage.Name,
            HouseholdId = householdId,
            // Null: the host does not say; a channel that requires consent then refuses the request
            // (ArgumentException naming the rule) instead of reading it as 'consented to nothing'.
            Consents = consents is null ? null : [.. consents.Select(c => c.Name)],
        };
    }
}
