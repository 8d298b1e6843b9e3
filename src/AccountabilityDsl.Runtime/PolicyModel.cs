using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using static AccountabilityDsl.Runtime.DeclaredEnum;

namespace AccountabilityDsl.Runtime;

/// <summary>
/// What every generated policy class does the same way, over the tables and predicates that make
/// one policy different: names of declarations, segment membership of a customer, the accountable
/// owner of every segment × stage cell and of a customer, the fallback owner, reporting lines,
/// offer approval, and the contact requests, gate and offer ranking over the policy's
/// <see cref="Runtime.ContactPolicy"/>.
/// </summary>
/// <remarks>
/// <para>
/// A generated class (<c>ownerc generate</c> or the MSBuild package) keeps one instance in a private
/// static field, built from its own enums, tables and predicates, and each of its public static
/// members calls the member of the same name here. Applications call the generated class, whose
/// members take and return the policy's own enums; they have no need to build a model themselves.
/// </para>
/// <para>
/// Every enum is one of the generated class's nested enums: backed by <see cref="int"/>, with the
/// values 0, 1, … in declaration order. A value outside them throws
/// <see cref="ArgumentOutOfRangeException"/>; a null customer throws <see cref="ArgumentNullException"/>.
/// Immutable and thread-safe. <see cref="AccountableFor(TSegment, TStage)"/> is a table lookup;
/// <see cref="AccountableFor(TCustomer, TStage)"/>, <see cref="AccountableOwner"/> and
/// <see cref="IsApproved"/> allocate nothing either, except a list when a customer has more than
/// one owner; <see cref="SegmentsOf"/>, <see cref="EscalationChain"/>, requests and rankings
/// return new lists.
/// </para>
/// </remarks>
/// <typeparam name="TSegment">The policy's segments.</typeparam>
/// <typeparam name="TStage">The policy's lifecycle stages, in lifecycle order.</typeparam>
/// <typeparam name="TOwner">The policy's owners.</typeparam>
/// <typeparam name="TChannel">The policy's channels, in the order of <see cref="ContactPolicy.Channels"/>.</typeparam>
/// <typeparam name="TOffer">The policy's offers, in the order of <see cref="ContactPolicy.Offers"/>.</typeparam>
/// <typeparam name="TCustomer">The generated customer record.</typeparam>
public sealed class PolicyModel<TSegment, TStage, TOwner, TChannel, TOffer, TCustomer>
    where TSegment : struct, Enum
    where TStage : struct, Enum
    where TOwner : struct, Enum
    where TChannel : struct, Enum
    where TOffer : struct, Enum
    where TCustomer : class
{
        private readonly string[] _segmentNames;
    private readonly string[] _stageNames;
    private readonly string[] _ownerNames;
    private readonly Func<TSegment, TCustomer, bool> _isIn;
    private readonly Func<TOffer, TCustomer, TStage, bool> _targets;
    private readonly int _stageCount;
    private readonly TOwner?[] _claimed;
    private readonly TOwner?[] _resolved;
    private readonly TOwner?[] _reportsTo;
    private readonly TOwner[][] _approvers;
    private readonly IReadOnlyList<TOwner>[] _singleOwner;

    /// <summary>Builds the model of one policy from the generated class's tables and predicates.</summary>
    /// <param name="contactPolicy">The contact rules; its channels and offers are the <typeparamref name="TChannel"/> and <typeparamref name="TOffer"/> values, in order.</param>
    /// <param name="segmentNames">The segments' names as written in the policy, one per <typeparamref name="TSegment"/> value.</param>
    /// <param name="stageNames">The stages' names, one per <typeparamref name="TStage"/> value.</param>
    /// <param name="ownerNames">The owners' names, one per <typeparamref name="TOwner"/> value.</param>
    /// <param name="isIn">The segment predicates: true when the customer is in the segment.</param>
    /// <param name="targets">The offer predicates: true when the offer runs at the stage and the customer is in one of its segments.</param>
    /// <param name="accountable">
    /// The owner an <c>accountable</c> line gives each cell, row by row: index
    /// <c>segment * stageCount + stage</c>; 0 = nobody, else the owner's value + 1.
    /// </param>
    /// <param name="fallback">The <c>fallback</c> owner, or null when the policy names none.</param>
    /// <param name="reportsTo">The owner each owner reports to, + 1; 0 = nobody. One per <typeparamref name="TOwner"/> value.</param>
    /// <param name="approvers">For each offer, the owners that may approve it directly: its sponsor, then its <c>approved by</c> list.</param>
    /// <exception cref="ArgumentException">An enum is not backed by <see cref="int"/>, or a table does not match the names.</exception>
    public PolicyModel(
        ContactPolicy contactPolicy,
        IReadOnlyList<string> segmentNames,
        IReadOnlyList<string> stageNames,
        IReadOnlyList<string> ownerNames,
        Func<TSegment, TCustomer, bool> isIn,
        Func<TOffer, TCustomer, TStage, bool> targets,
        ReadOnlySpan<int> accountable,
        TOwner? fallback,
        ReadOnlySpan<int> reportsTo,
        IReadOnlyList<IReadOnlyList<TOwner>> approvers)
    {
        ArgumentNullException.ThrowIfNull(contactPolicy);
        ArgumentNullException.ThrowIfNull(segmentNames);
        ArgumentNullException.ThrowIfNull(stageNames);
        ArgumentNullException.ThrowIfNull(ownerNames);
        ArgumentNullException.ThrowIfNull(isIn);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(approvers);
        RequireInt<TSegment>(nameof(TSegment));
        RequireInt<TStage>(nameof(TStage));
        RequireInt<TOwner>(nameof(TOwner));
        RequireInt<TChannel>(nameof(TChannel));
        RequireInt<TOffer>(nameof(TOffer));

        ContactPolicy = contactPolicy;
        _segmentNames = [.. segmentNames];
        _stageNames = [.. stageNames];
        _stageCount = _stageNames.Length;
        _ownerNames = [.. ownerNames];
        _isIn = isIn;
        _targets = targets;
        if (fallback is { } f)
        {
            Check(f, _ownerNames.Length, nameof(fallback));
        }

        Fallback = fallback;
        if (accountable.Length != _segmentNames.Length * _stageCount)
        {
            throw new ArgumentException($"The table has {accountable.Length} cells; {_segmentNames.Length} segments × {_stageCount} stages need {_segmentNames.Length * _stageCount}.", nameof(accountable));
        }

        _claimed = Owners(accountable, nameof(accountable));
        // AccountableFor(segment, stage) is the hot path: the fallback is applied once, here.
        _resolved = [.. _claimed.Select(owner => owner ?? fallback)];
        if (reportsTo.Length != _ownerNames.Length)
        {
            throw new ArgumentException($"The table has {reportsTo.Length} entries for {_ownerNames.Length} owners.", nameof(reportsTo));
        }

        _reportsTo = Owners(reportsTo, nameof(reportsTo));
        if (approvers.Count != contactPolicy.Offers.Count)
        {
            throw new ArgumentException($"The table has {approvers.Count} entries for {contactPolicy.Offers.Count} offers.", nameof(approvers));
        }

        _approvers = new TOwner[approvers.Count][];
        for (int i = 0; i < approvers.Count; i++)
        {
            _approvers[i] = [.. approvers[i]];
            foreach (TOwner owner in _approvers[i])
            {
                Check(owner, _ownerNames.Length, nameof(approvers));
            }
        }

        // The common one-owner answers of AccountableFor(customer, stage), shared so that they cost nothing.
        _singleOwner = new IReadOnlyList<TOwner>[_ownerNames.Length];
        for (int i = 0; i < _singleOwner.Length; i++)
        {
            _singleOwner[i] = Array.AsReadOnly([Value<TOwner>(i)]);
        }
    }

    /// <summary>The contact rules the model's gates and requests use.</summary>
    public ContactPolicy ContactPolicy { get; }

    /// <summary>The <c>fallback</c> owner: accountable for the customers no accountable line gives an owner; null when the policy names none.</summary>
    public TOwner? Fallback { get; }

    /// <summary>The segment's name as written in the policy.</summary>
    public string SegmentName(TSegment segment) => _segmentNames[Check(segment, _segmentNames.Length, nameof(segment))];

    /// <summary>The stage's name as written in the policy.</summary>
    public string StageName(TStage stage) => _stageNames[Check(stage, _stageCount, nameof(stage))];

    /// <summary>The owner's name as written in the policy.</summary>
    public string OwnerName(TOwner owner) => _ownerNames[Check(owner, _ownerNames.Length, nameof(owner))];

    /// <summary>The channel's name as written in the policy (the name the runtime library identifies it by).</summary>
    public string ChannelName(TChannel channel) => ContactPolicy.Channels[Check(channel, ContactPolicy.Channels.Count, nameof(channel))];

    /// <summary>The offer's name as written in the policy (the name the runtime library identifies it by).</summary>
    public string OfferName(TOffer offer) => DefinitionOf(offer).Name;

    /// <summary>The offer's runtime definition (name, sponsor, priority, declaration order, channels).</summary>
    public OfferDefinition DefinitionOf(TOffer offer) => ContactPolicy.Offers[Check(offer, ContactPolicy.Offers.Count, nameof(offer))];

    /// <summary>True when the customer is in at least one segment.</summary>
    public bool IsInAnySegment(TCustomer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_isIn(Value<TSegment>(i), customer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The segments the customer is in, in declaration order (predicate segments may overlap).</summary>
    public IReadOnlyList<TSegment> SegmentsOf(TCustomer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var segments = new List<TSegment>();
        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_isIn(Value<TSegment>(i), customer))
            {
                segments.Add(Value<TSegment>(i));
            }
        }

        return segments;
    }

    /// <summary>
    /// The owner accountable for the segment at the stage: the owner its accountable line names, or
    /// else <see cref="Fallback"/>, or null when there is neither. A table lookup: no allocation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TOwner? AccountableFor(TSegment segment, TStage stage) => _resolved[Cell(segment, stage)];

    /// <summary>True when no accountable line claims the cell and its owner is <see cref="Fallback"/>.</summary>
    public bool IsFromFallback(TSegment segment, TStage stage) =>
        Fallback is not null && _claimed[Cell(segment, stage)] is null;

    /// <summary>True when the customer is in some segment but no accountable line gives them an owner at the stage, so their owner is <see cref="Fallback"/>.</summary>
    public bool IsOwnedThroughFallback(TCustomer customer, TStage stage)
    {
        ArgumentNullException.ThrowIfNull(customer);
        int row = Check(stage, _stageCount, nameof(stage));
        if (Fallback is null || !IsInAnySegment(customer))
        {
            return false;
        }

        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_isIn(Value<TSegment>(i), customer) && _claimed[i * _stageCount + row] is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The owner this owner reports to (its <c>reports to</c> line), or null for an owner at the top.</summary>
    public TOwner? ReportsTo(TOwner owner) => _reportsTo[Check(owner, _ownerNames.Length, nameof(owner))];

    /// <summary>The owner followed by everyone it reports to, directly or not, up to the top: the line an escalation follows.</summary>
    public IReadOnlyList<TOwner> EscalationChain(TOwner owner)
    {
        Check(owner, _ownerNames.Length, nameof(owner));
        var chain = new List<TOwner>();
        // The checker rejects reporting cycles (OWN0107); the bound only guards the loop.
        for (TOwner? current = owner; current is { } known && chain.Count < _ownerNames.Length; current = _reportsTo[Index(known)])
        {
            chain.Add(known);
        }

        return chain.AsReadOnly();
    }

    /// <summary>
    /// The distinct owners accountable at the stage for the segments the customer is in, in segment
    /// order, or <see cref="Fallback"/> when none of those segments has one. One owner is the rule;
    /// none is a vacuum; more than one is an overlap conflict. Allocates only for more than one owner.
    /// </summary>
    public IReadOnlyList<TOwner> AccountableFor(TCustomer customer, TStage stage)
    {
        ArgumentNullException.ThrowIfNull(customer);
        int row = Check(stage, _stageCount, nameof(stage));
        int first = -1;
        List<TOwner>? more = null;
        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_claimed[i * _stageCount + row] is not { } owner || !_isIn(Value<TSegment>(i), customer))
            {
                continue;
            }

            int index = Index(owner);
            if (first < 0)
            {
                first = index;
            }
            else if (more is null ? index != first : !more.Contains(owner))
            {
                (more ??= [Value<TOwner>(first)]).Add(owner);
            }
        }

        if (more is not null)
        {
            return more.AsReadOnly();
        }

        if (first < 0 && Fallback is { } fallback && IsInAnySegment(customer))
        {
            first = Index(fallback);
        }

        return first < 0 ? [] : _singleOwner[first];
    }

    /// <summary>
    /// The single owner accountable for the customer at the stage; null when nobody is, or when the
    /// customer's segments have different owners. No allocation.
    /// </summary>
    public TOwner? AccountableOwner(TCustomer customer, TStage stage)
    {
        ArgumentNullException.ThrowIfNull(customer);
        int row = Check(stage, _stageCount, nameof(stage));
        TOwner? result = null;
        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_claimed[i * _stageCount + row] is not { } owner || !_isIn(Value<TSegment>(i), customer))
            {
                continue;
            }

            if (result is { } known && Index(known) != Index(owner))
            {
                return null;
            }

            result = owner;
        }

        return result ?? (IsInAnySegment(customer) ? Fallback : null);
    }

    /// <summary>
    /// True when every owner accountable for the customer at the stage (<see cref="Fallback"/> when no
    /// accountable line gives one), or someone that owner reports to, sponsors or approves the offer,
    /// and at least one owner is accountable (nobody accountable means nobody approved).
    /// </summary>
    public bool IsApproved(TOffer offer, TCustomer customer, TStage stage)
    {
        ArgumentNullException.ThrowIfNull(customer);
        int offerIndex = Check(offer, _approvers.Length, nameof(offer));
        int row = Check(stage, _stageCount, nameof(stage));
        bool any = false;
        for (int i = 0; i < _segmentNames.Length; i++)
        {
            if (_claimed[i * _stageCount + row] is not { } owner || !_isIn(Value<TSegment>(i), customer))
            {
                continue;
            }

            if (!Approves(offerIndex, owner))
            {
                return false;
            }

            any = true;
        }

        if (!any && Fallback is { } fallback && IsInAnySegment(customer))
        {
            return Approves(offerIndex, fallback);
        }

        return any;
    }

    /// <summary>A contact gate for this policy over the ledger, with the host's clock and time zone (calendar windows and capacity periods follow the zone).</summary>
    public ContactGate CreateGate(IContactLedger ledger, TimeProvider clock, TimeZoneInfo zone) => new(ContactPolicy, ledger, clock, zone);

    /// <summary>A contact request naming the channel and offer as the policy does.</summary>
    public ContactRequest CreateRequest(string customerId, TChannel channel, TOffer? offer, string? category) =>
        new(customerId, ChannelName(channel), offer is { } o ? OfferName(o) : null, category);

    /// <summary>
    /// A contact request that also carries what scoped and household limits and consent need: the
    /// customer's segments (computed from the record) and stage, the household id (null: a household
    /// of one) and the channels the customer consented to (empty: none; null: not known, so a contact
    /// on a channel that requires consent throws an <see cref="ArgumentException"/> naming the rule).
    /// </summary>
    public ContactRequest CreateRequest(
        string customerId, TCustomer customer, TStage stage, TChannel channel, TOffer? offer, string? category, string? householdId, IEnumerable<TChannel>? consents) =>
        CustomerRequest(customerId, customer, stage, householdId, consents) with
        {
            Channel = ChannelName(channel),
            Offer = offer is { } o ? OfferName(o) : null,
            Category = category,
        };

    /// <summary>
    /// Ranks the offers that target the customer at the stage, one candidate per channel of each
    /// offer, approved when <see cref="IsApproved"/> says so; the gate excludes unapproved candidates
    /// and checks the rest against the contact rules without recording anything, passing the household
    /// id and the channels the customer consented to.
    /// </summary>
    /// <exception cref="ArgumentException">The gate was not created for this model's <see cref="ContactPolicy"/>.</exception>
    public IReadOnlyList<RankedOffer> RankOffers(
        ContactGate gate, string customerId, TCustomer customer, TStage stage, string? category, string? householdId, IEnumerable<TChannel>? consents)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(customer);
        if (!ReferenceEquals(gate.Policy, ContactPolicy))
        {
            throw new ArgumentException("The gate was not created for this policy; use CreateGate.", nameof(gate));
        }

        var candidates = new List<OfferCandidate>();
        for (int i = 0; i < ContactPolicy.Offers.Count; i++)
        {
            TOffer offer = Value<TOffer>(i);
            if (!_targets(offer, customer, stage))
            {
                continue;
            }

            bool approved = IsApproved(offer, customer, stage);
            OfferDefinition definition = ContactPolicy.Offers[i];
            foreach (string channel in definition.Channels)
            {
                candidates.Add(new OfferCandidate(definition, channel, approved, category));
            }
        }

        return gate.RankOffers(CustomerRequest(customerId, customer, stage, householdId, consents), candidates);
    }

    /// <summary>The customer part of a request (id, segments, stage, household, consents); the gate or the caller sets the channel.</summary>
    private ContactRequest CustomerRequest(string customerId, TCustomer customer, TStage stage, string? householdId, IEnumerable<TChannel>? consents)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var segments = new List<string>();
        foreach (TSegment segment in SegmentsOf(customer))
        {
            segments.Add(SegmentName(segment));
        }

        // Null stays null: the host did not say, and a channel that requires consent refuses the
        // request (ArgumentException naming the rule) rather than reading it as "consented to nothing".
        List<string>? consented = null;
        if (consents is not null)
        {
            consented = [];
            foreach (TChannel consent in consents)
            {
                consented.Add(ChannelName(consent));
            }
        }

        return new ContactRequest(customerId, "-") { Segments = segments, Stage = StageName(stage), HouseholdId = householdId, Consents = consented };
    }

    /// <summary>Approval follows the reporting line: the owner or anyone above it approves directly.</summary>
    private bool Approves(int offer, TOwner owner)
    {
        TOwner[] approvers = _approvers[offer];
        // The checker rejects reporting cycles (OWN0107); the bound only guards the loop.
        int steps = 0;
        for (TOwner? current = owner; current is { } known && steps < _ownerNames.Length; current = _reportsTo[Index(known)], steps++)
        {
            foreach (TOwner approver in approvers)
            {
                if (Index(approver) == Index(known))
                {
                    return true;
                }
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Cell(TSegment segment, TStage stage) =>
        Check(segment, _segmentNames.Length, nameof(segment)) * _stageCount + Check(stage, _stageCount, nameof(stage));

    /// <summary>A table of owner + 1 (0 = nobody) as owners.</summary>
    private TOwner?[] Owners(ReadOnlySpan<int> table, string parameter)
    {
        var owners = new TOwner?[table.Length];
        for (int i = 0; i < table.Length; i++)
        {
            int plusOne = table[i];
            if ((uint)plusOne > (uint)_ownerNames.Length)
            {
                throw new ArgumentException($"Entry {i} is {plusOne}: 0 (nobody) or an owner + 1 (at most {_ownerNames.Length}) expected.", parameter);
            }

            owners[i] = plusOne == 0 ? null : Value<TOwner>(plusOne - 1);
        }

        return owners;
    }

    private static void RequireInt<TEnum>(string parameter)
        where TEnum : struct, Enum
    {
        if (Enum.GetUnderlyingType(typeof(TEnum)) != typeof(int))
        {
            throw new ArgumentException($"{typeof(TEnum).Name} must be backed by int, as the generated enums are.", parameter);
        }
    }
}

/// <summary>
/// The generated enums' values as indexes. The enums are the generated class's own, backed by int
/// (<see cref="PolicyModel{TSegment, TStage, TOwner, TChannel, TOffer, TCustomer}"/> checks once), so
/// a value and its index are the same 32 bits: no boxing. A non-generic class, so that calls from the
/// model's shared generic code (its customer type is a class) need no run-time type lookup and inline.
/// </summary>
internal static class DeclaredEnum
{
    private const string Undeclared = "Not a value the policy declares.";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index<TEnum>(TEnum value)
        where TEnum : struct, Enum => Unsafe.BitCast<TEnum, int>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TEnum Value<TEnum>(int index)
        where TEnum : struct, Enum => Unsafe.BitCast<int, TEnum>(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Check<TEnum>(TEnum value, int count, string parameter)
        where TEnum : struct, Enum
    {
        int index = Index(value);
        if ((uint)index >= (uint)count)
        {
            ThrowUndeclared(value, parameter);
        }

        return index;
    }

    // Out of line, so that the checks stay small enough to inline.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUndeclared<TEnum>(TEnum value, string parameter)
        where TEnum : struct, Enum => throw new ArgumentOutOfRangeException(parameter, value, Undeclared);
}
