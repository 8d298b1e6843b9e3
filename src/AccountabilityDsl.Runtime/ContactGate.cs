using System.Collections.Concurrent;
using System.Globalization;

namespace AccountabilityDsl.Runtime;

/// <summary>
/// Decides whether a customer may be contacted under a <see cref="ContactPolicy"/>, and records contacts through a
/// check → reserve → commit/release protocol against an <see cref="IContactLedger"/>. Thread-safe; holds no mutable
/// state of its own.
/// </summary>
public sealed class ContactGate
{
    private const int MaxCachedShapes = 4096;
    // Constraints (24 bytes each, no references) of up to this many applicable rules live on the stack.
    private const int MaxStackConstraints = 64;
    // The rules that apply to each (channel, offer) pair, computed once per pair; the last pair used is checked first.
    private readonly ConcurrentDictionary<(string Channel, string? Offer), Plan> _plans = new();
    private int _planCount;
    private Plan? _lastPlan;
    private readonly Rule[] _rules;
    // What each rule counts, by rule index, without the customer or household (see RuleConstraint).
    private readonly ContactFilter[] _counted;
    // Segment names and stage names that rules are scoped by → bit (see InScope); null when either has more than 64.
    private readonly (Dictionary<string, int> Segments, Dictionary<string, int> Stages)? _scopeNames;
    // The ledger when it is the in-memory one: called directly, and without validating again what the gate validated.
    private readonly InMemoryContactLedger? _memoryLedger;
    // Names validated (and found declared) before; strings are immutable, so the same reference needs no second look.
    // Each is read and written as a whole reference: a race only means validating once more.
    private string? _validChannel;
    private string? _validOffer;
    private string? _validCategory;
    private string? _validKey;
    private string? _validCustomer;
    private string? _validHousehold;
    private readonly ZoneCalendar _calendar;
    // Copies of the policy's lists as arrays: iterating IReadOnlyList<T> through the interface allocates an
    // enumerator per call, which showed up on the reserve path.
    private readonly string[] _exemptCategories;
    private readonly Cooldown[] _cooldowns;
    private readonly bool _hasCooldowns;
    private readonly HashSet<string>? _knownChannels;
    private readonly HashSet<string>? _knownOffers;
    // Quiet periods by channel, for the end of a quiet time; null when the policy has none.
    private readonly Dictionary<string, QuietPeriod[]>? _quietByChannel;

    /// <summary>How far ahead a quiet time's end is looked for: past it, a channel counts as quiet at every hour.</summary>
    private static readonly TimeSpan QuietHorizon = TimeSpan.FromDays(8);

    /// <summary>The longest hold a reservation may ask for.</summary>
    public static TimeSpan MaxHold { get; } = TimeSpan.FromDays(30);

    /// <summary>How far in the future (clock skew between hosts) a reported event may lie.</summary>
    public static TimeSpan MaxEventAhead { get; } = TimeSpan.FromHours(1);

    /// <summary>Creates a gate.</summary>
    /// <param name="policy">The compiled policy.</param>
    /// <param name="ledger">Where contacts, reservations and events are stored.</param>
    /// <param name="clock">The clock (inject a fake one in tests).</param>
    /// <param name="zone">The host time zone used for calendar windows, month/year arithmetic and capacities.</param>
    /// <param name="defaultHold">How long an uncommitted reservation counts (default 5 minutes).</param>
    public ContactGate(ContactPolicy policy, IContactLedger ledger, TimeProvider clock, TimeZoneInfo zone, TimeSpan? defaultHold = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(zone);
        Policy = policy;
        Ledger = ledger;
        Clock = clock;
        Zone = zone;
        DefaultHold = defaultHold ?? TimeSpan.FromMinutes(5);
        RequireHold(DefaultHold, nameof(defaultHold));
        if (ledger is InMemoryContactLedger { Retention: { } retention } && retention < policy.LongestLookback)
        {
            throw new ArgumentException(
                $"The ledger's retention ({retention}) is shorter than the longest look-back of policy '{policy.PolicyName}' ({policy.LongestLookback}): contacts that still count would be dropped.",
                nameof(ledger));
        }
        _calendar = new ZoneCalendar(zone);
        _memoryLedger = ledger as InMemoryContactLedger;
        _exemptCategories = [.. policy.ExemptCategories];
        _cooldowns = [.. policy.Cooldowns];
        _hasCooldowns = _cooldowns.Length > 0;
        _knownChannels = policy.Channels.Count > 0 ? new HashSet<string>(policy.Channels, StringComparer.Ordinal) : null;
        _knownOffers = policy.Offers.Count > 0 ? new HashSet<string>(policy.Offers.Select(o => o.Name), StringComparer.Ordinal) : null;
        // Rules in policy order: consent, quiet hours, limits, exclusions, capacities (cool-downs are event constraints).
        var rules = new List<Rule>();
        foreach (var consent in policy.Consents)
        {
            rules.Add(new Rule(RuleKind.Consent, null, consent.Channel, 0, default, consent.Description, consent.Source));
        }
        foreach (var quiet in policy.QuietPeriods)
        {
            rules.Add(new Rule(RuleKind.Quiet, null, quiet.Channel, 0, default, quiet.Text, quiet.Source) { Quiet = quiet });
        }
        foreach (var limit in policy.Limits)
        {
            // The policy checked its limits when it was made; a segment or stage list emptied since (a list the host
            // still holds) is refused here as it would have been then, so no rule ever has an empty scope list: the
            // paths that decide scope (names, bits, the ledger's quick step) agree only on non-empty lists.
            limit.Validate();
            rules.Add(new Rule(RuleKind.Limit, limit.Scope, null, limit.MaxCount, limit.Window, limit.Description, limit.Source)
            {
                PerHousehold = limit.PerHousehold,
                Segments = limit.Segments is null ? null : [.. limit.Segments],
                Stages = limit.Stages is null ? null : [.. limit.Stages],
            });
        }
        // A never rule becomes one rule per (requested offer, blocking offer): "fewer than 1 contact with the blocking
        // offer in the window", decided in the same atomic ledger step as the limits.
        foreach (var exclusion in policy.Exclusions)
        {
            var requested = exclusion.IsAfter ? exclusion.First : exclusion.First.Concat(exclusion.Second);
            foreach (var offer in requested.Distinct(StringComparer.Ordinal))
            {
                foreach (var blocker in exclusion.Blockers(offer))
                {
                    rules.Add(new Rule(RuleKind.Exclusion, LimitScope.Offer(offer), null, 1, exclusion.Window, exclusion.Text, exclusion.Source)
                    {
                        BlockingOffer = blocker,
                    });
                }
            }
        }
        foreach (var capacity in policy.Capacities)
        {
            rules.Add(new Rule(RuleKind.Capacity, null, capacity.Channel, capacity.MaxCount,
                new TimeWindow(1, capacity.Period, true), capacity.Description, capacity.Source));
        }
        _rules = [.. rules];
        _scopeNames = ScopeNames(_rules);
        _counted = [.. rules.Select(r => r.Counted())];
        _quietByChannel = policy.QuietPeriods.Count == 0 ? null
            : policy.QuietPeriods.GroupBy(q => q.Channel, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Numbers the segment names and the stage names that rules are scoped by (segments and stages separately, from 0)
    /// and gives each scoped rule the bits of its names. Null, and the names are compared per rule, when either kind
    /// has more than 64 names.
    /// </summary>
    private static (Dictionary<string, int> Segments, Dictionary<string, int> Stages)? ScopeNames(Rule[] rules)
    {
        var segments = new Dictionary<string, int>(StringComparer.Ordinal);
        var stages = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            foreach (var name in rule.Segments ?? [])
            {
                segments.TryAdd(name, segments.Count);
            }
            foreach (var name in rule.Stages ?? [])
            {
                stages.TryAdd(name, stages.Count);
            }
        }
        if (segments.Count > 64 || stages.Count > 64)
        {
            return null;
        }
        foreach (var rule in rules)
        {
            rule.SegmentBits = ScopeBits.Bits(rule.Segments, segments);
            rule.StageBits = ScopeBits.Bits(rule.Stages, stages);
        }
        return (segments, stages);
    }

    /// <summary>The policy.</summary>
    public ContactPolicy Policy { get; }

    /// <summary>The ledger.</summary>
    public IContactLedger Ledger { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The host time zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Default reservation hold.</summary>
    public TimeSpan DefaultHold { get; }

    /// <summary>
    /// What decisions answer when the ledger cannot be reached: deny with reason <c>ledger unavailable</c> (the
    /// default), throw the <see cref="LedgerUnavailableException"/>, or allow without counting. See
    /// <see cref="LedgerUnavailableBehavior"/>.
    /// </summary>
    public LedgerUnavailableBehavior WhenLedgerUnavailable { get; init; } = LedgerUnavailableBehavior.Deny;

    /// <summary>
    /// Evaluates every applicable rule (consent, quiet hours, cool-downs, limits, exclusions, capacities) for
    /// <paramref name="request"/> now, without side effects. Pending unexpired reservations count. Exempt categories
    /// are always allowed.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The request is malformed, names an unknown channel or offer, or lacks what an applicable rule needs (segments or
    /// stage for a scoped limit, consents for a channel that requires consent); the message names the rule.
    /// </exception>
    public ContactDecision Check(ContactRequest request)
    {
        Validate(request);
        if (IsExempt(request.Category))
        {
            return ContactDecision.AllowedExempt;
        }
        var now = Clock.GetUtcNow();
        // The common answer, "every rule holds", from the in-memory ledger without building a constraint per rule; any
        // doubt (a rule that may be at its cap) goes to the full evaluation, which explains the denial.
        if (_memoryLedger is { } quickLedger && PlanFor(request) is var plan && QuickApplies(request, plan, now)
            && quickLedger.QuickHolds(plan.Quick!, _counted, request, _scopeNames, now.UtcTicks))
        {
            return ContactDecision.Allowed;
        }
        try
        {
            return Decide(request, now);
        }
        catch (LedgerUnavailableException e) when (WhenLedgerUnavailable != LedgerUnavailableBehavior.Throw)
        {
            return WithoutLedger(e, now, exempt: false);
        }
    }

    /// <summary>
    /// Checks and, when allowed, atomically reserves a slot for the contact. The reservation counts against every
    /// limit until it is committed, released, or expires after <paramref name="holdFor"/> (default
    /// <see cref="DefaultHold"/>, at most <see cref="MaxHold"/>). Reserving the same <paramref name="idempotencyKey"/>
    /// again (for the same customer) returns the same reservation without counting twice, as long as it is pending or
    /// committed. The decision and the reservation are one atomic ledger step: limits (group, scoped and household ones
    /// too), exclusions, capacities and cool-downs are all checked there; consent and quiet hours, which depend on the
    /// request and the clock only, enter that step as constraints that cannot hold, so a repeated key still gets its
    /// reservation back.
    /// </summary>
    public ReservationResult TryReserve(ContactRequest request, string idempotencyKey, TimeSpan? holdFor = null)
    {
        var hold = holdFor ?? DefaultHold;
        RequireHold(hold, nameof(holdFor));
        return Reserve(request, idempotencyKey, hold, commit: false).ToReservationResult();
    }

    /// <summary>
    /// The one-call path for hosts that send synchronously: checks and, when allowed, records the contact as made
    /// (committed) in one atomic ledger step — no reservation to commit or release. A repeated
    /// <paramref name="idempotencyKey"/> returns the existing contact (<see cref="RecordResult.IsRepeat"/>). The result
    /// is a struct: an allowed contact allocates nothing unless its <see cref="RecordResult.Reservation"/> is read.
    /// </summary>
    public RecordResult TryRecord(ContactRequest request, string idempotencyKey) =>
        Reserve(request, idempotencyKey, DefaultHold, commit: true);

    /// <summary>The reserve and record paths; the result holds a new contact's parts, not yet a <see cref="Reservation"/> (see <see cref="RecordResult"/>).</summary>
    private RecordResult Reserve(ContactRequest request, string idempotencyKey, TimeSpan hold, bool commit)
    {
        Validate(request);
        // Hosts often reuse key strings (e.g. a few per batch); like the names in Validate, one seen valid is not scanned again.
        if (!ReferenceEquals(idempotencyKey, _validKey))
        {
            LedgerText.Require(idempotencyKey, "idempotency key");
            _validKey = idempotencyKey;
        }
        var now = Clock.GetUtcNow();
        var exempt = IsExempt(request.Category);
        // The common case on the in-memory ledger (which never throws LedgerUnavailableException): a new counted
        // contact that the ledger's quick step decides without per-rule constraints (see QuickPlan). A repeated key, a
        // rule that may be at its cap, a denial go the full way, in a step of their own.
        if (!exempt && _memoryLedger is { } memory && PlanFor(request) is var plan && QuickApplies(request, plan, now))
        {
            var nowTicks = now.UtcTicks;
            var expires = SaturatingAdd(nowTicks, hold.Ticks);
            if (expires > nowTicks)
            {
                var entry = EntryFor(request, idempotencyKey, counted: true, nowTicks, expires);
                var id = memory.TryInsertQuick(entry, plan.Quick!, _counted, request, _scopeNames, nowTicks, commit, out var hint);
                if (id != 0)
                {
                    return new RecordResult(ContactDecision.Allowed, request, idempotencyKey, nowTicks, expires, exempt: false, commit, id, hint);
                }
            }
        }
        return ReserveFully(request, idempotencyKey, hold, commit, now, exempt);
    }

    /// <summary>The ledger entry a reserve (or record) step stores for the request.</summary>
    private static LedgerEntry EntryFor(ContactRequest request, string idempotencyKey, bool counted, long nowTicks, long expiresTicks) =>
        new(request.CustomerId, idempotencyKey, request.Channel, request.Offer, request.Category, counted, nowTicks, expiresTicks)
        {
            HouseholdId = request.HouseholdId,
        };

    /// <summary>
    /// <see cref="Reserve"/> past the quick step, with what a ledger that cannot be reached answers. Not inlined: the
    /// exception handling and the results it builds would make every reserve zero a large stack frame.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private RecordResult ReserveFully(ContactRequest request, string idempotencyKey, TimeSpan hold, bool commit, DateTimeOffset now, bool exempt)
    {
        try
        {
            return ReserveInLedger(request, idempotencyKey, hold, commit, now, exempt);
        }
        catch (LedgerUnavailableException e) when (WhenLedgerUnavailable != LedgerUnavailableBehavior.Throw)
        {
            var decision = WithoutLedger(e, now, exempt);
            // An allowed contact gets a reservation that was never stored (id 0): commit answers NotRecorded.
            return new RecordResult(decision, decision.IsAllowed
                ? new Reservation(request, idempotencyKey, now,
                    commit ? DateTimeOffset.MaxValue : new DateTimeOffset(SaturatingAdd(now.UtcTicks, hold.Ticks), TimeSpan.Zero), exempt)
                : null, isRepeat: false, isCommitted: false);
        }
    }

    /// <summary>The decision without the ledger: exempt contacts pass, others follow <see cref="WhenLedgerUnavailable"/>.</summary>
    private ContactDecision WithoutLedger(LedgerUnavailableException failure, DateTimeOffset now, bool exempt) =>
        exempt || WhenLedgerUnavailable == LedgerUnavailableBehavior.Allow
            ? ContactDecision.AllowedWithoutLedger(failure, exempt)
            : ContactDecision.DeniedLedgerUnavailable(failure, _calendar.InZone(now));

    private RecordResult ReserveInLedger(ContactRequest request, string idempotencyKey, TimeSpan hold, bool commit, DateTimeOffset now, bool exempt)
    {
        var nowTicks = now.UtcTicks;
        var entry = EntryFor(request, idempotencyKey, counted: !exempt, nowTicks, SaturatingAdd(nowTicks, hold.Ticks));
        if (exempt)
        {
            return ToResult(ContactDecision.AllowedExempt, TryReserveInLedger(entry, [], [], nowTicks, commit), request, entry);
        }

        return ReserveWithConstraints(request, PlanFor(request), entry, commit, now);
    }

    /// <summary>The reserve step with a constraint per applicable rule, and the decision that explains a denial.</summary>
    private RecordResult ReserveWithConstraints(ContactRequest request, Plan plan, in LedgerEntry entry, bool commit, DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        var most = plan.Steps.Length;
        Span<RuleConstraint> constraints = most <= MaxStackConstraints ? stackalloc RuleConstraint[most] : new RuleConstraint[most];
        var events = _hasCooldowns ? EventConstraints(request.CustomerId, nowTicks) : [];
        for (var attempt = 0; ; attempt++)
        {
            var n = BuildConstraints(request, plan, now, constraints);
            var result = TryReserveInLedger(entry, constraints[..n], events, nowTicks, commit);
            if (result.Status != LedgerReserveStatus.Denied)
            {
                return ToResult(ContactDecision.Allowed, result, request, entry);
            }
            var decision = Decide(request, now);
            if (!decision.IsAllowed)
            {
                return new RecordResult(decision, null, isRepeat: false, isCommitted: false);
            }
            if (attempt == 2)
            {
                // The ledger keeps denying while a re-evaluation sees room (slots being released concurrently):
                // report the constraint the ledger saw failing, retry immediately.
                return new RecordResult(ContactDecision.Denied([DenialFromLedger(request, now, constraints[..n], result.DeniedConstraint)]), null, isRepeat: false, isCommitted: false);
            }
        }
    }

    /// <summary>
    /// The ledger's atomic reserve step. The in-memory ledger is called without validating the entry again: the gate
    /// has validated every text of the request and the key (<see cref="Validate"/>), and checks the times here.
    /// </summary>
    private LedgerReserveResult TryReserveInLedger(in LedgerEntry entry, ReadOnlySpan<RuleConstraint> counts, ReadOnlySpan<EventConstraint> events, long nowTicks, bool commit)
    {
        if (_memoryLedger is { } memory)
        {
            entry.ValidateTimes();
            return memory.TryReserveValidated(entry, counts, _counted, events, nowTicks, commit);
        }
        return Ledger.TryReserve(entry, Materialize(counts, entry.CustomerId, entry.HouseholdId), events, nowTicks, commit);
    }

    /// <summary>The constraints as every ledger takes them (<see cref="CountConstraint"/>).</summary>
    private CountConstraint[] Materialize(ReadOnlySpan<RuleConstraint> constraints, string customerId, string? householdId)
    {
        if (constraints.IsEmpty)
        {
            return [];
        }
        var counts = new CountConstraint[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            counts[i] = constraints[i].ToCountConstraint(_counted, customerId, householdId);
        }
        return counts;
    }

    /// <summary>
    /// Turns a reservation into a recorded contact. Committing twice is a no-op (<see cref="CommitOutcome.AlreadyCommitted"/>);
    /// a reservation handed out without the ledger is <see cref="CommitOutcome.NotRecorded"/>. A ledger that cannot be
    /// reached throws <see cref="LedgerUnavailableException"/> whatever <see cref="WhenLedgerUnavailable"/> says: repeat
    /// the commit once it is back.
    /// </summary>
    public CommitOutcome Commit(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.IsRecorded)
        {
            return CommitOutcome.NotRecorded;
        }
        return Ledger.Commit(reservation.Reference, Clock.GetUtcNow().UtcTicks);
    }

    /// <summary>Drops a pending reservation (false when it was already committed, released, expired and replaced, or gone).</summary>
    public bool Release(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.IsRecorded)
        {
            return false;
        }
        return Ledger.Release(reservation.Reference, Clock.GetUtcNow().UtcTicks);
    }

    /// <summary>Reports an event (e.g. a complaint) for the customer, starting the matching cool-downs at <paramref name="at"/> (default now).</summary>
    /// <remarks>The event time may lie at most <see cref="MaxEventAhead"/> after the gate's clock.</remarks>
    public void RecordEvent(string customerId, string eventName, DateTimeOffset? at = null)
    {
        LedgerText.Require(customerId, "customer id");
        LedgerText.Require(eventName, "event name");
        var now = Clock.GetUtcNow();
        var when = at ?? now;
        if (when.UtcTicks > SaturatingAdd(now.UtcTicks, MaxEventAhead.Ticks))
        {
            throw new ArgumentOutOfRangeException(nameof(at), at,
                $"The event time {when:O} lies more than {MaxEventAhead} after the clock's time {now:O}.");
        }
        Ledger.RecordEvent(customerId, eventName, when.UtcTicks);
    }

    /// <summary>
    /// Ranks offers for a customer: candidates not approved by their accountable owner, or not offered through the
    /// requested channel, are excluded (with a reason); the rest are gated with <see cref="Check"/>. Allowed offers
    /// come first, then denied ones, then excluded ones; within each group by priority (higher first), then
    /// declaration order.
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(string customerId, IEnumerable<OfferCandidate> candidates)
    {
        LedgerText.Require(customerId, "customer id");
        return RankOffers(new ContactRequest(customerId, "-"), candidates);
    }

    /// <summary>
    /// Ranks offers as <see cref="RankOffers(string, IEnumerable{OfferCandidate})"/> does, for the customer described by
    /// <paramref name="customer"/> (its id, segments, stage, household and consents; its channel, offer and category
    /// are replaced by each candidate's). A candidate that a <c>never</c> rule refuses because of an earlier contact is
    /// excluded too, and its reason names the rule, its line, the earlier contact and when the exclusion ends.
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(ContactRequest customer, IEnumerable<OfferCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(customer);
        LedgerText.Require(customer.CustomerId, "customer id");
        ArgumentNullException.ThrowIfNull(candidates);
        var entries = new List<(OfferCandidate Candidate, ContactDecision? Decision, string? Reason)>();
        foreach (var candidate in candidates)
        {
            var offer = candidate.Offer;
            if (!candidate.ApprovedByAccountableOwner)
            {
                entries.Add((candidate, null, $"offer '{offer.Name}' is not approved by its accountable owner ({offer.Sponsor})"));
            }
            else if (offer.Channels.Count > 0 && !offer.Channels.Contains(candidate.Channel, StringComparer.Ordinal))
            {
                entries.Add((candidate, null, $"offer '{offer.Name}' is not offered through channel '{candidate.Channel}'"));
            }
            else
            {
                var decision = Check(customer with { Channel = candidate.Channel, Offer = offer.Name, Category = candidate.Category });
                entries.Add((candidate, decision, ExclusionReason(offer.Name, decision)));
            }
        }
        static int Group((OfferCandidate, ContactDecision? Decision, string? Reason) e) =>
            e.Reason is not null ? 2 : e.Decision!.IsAllowed ? 0 : 1;
        var ranked = entries
            .OrderBy(Group)
            .ThenByDescending(e => e.Candidate.Offer.Priority)
            .ThenBy(e => e.Candidate.Offer.DeclarationOrder)
            .Select((e, i) => new RankedOffer(i + 1, e.Candidate, e.Decision, e.Reason))
            .ToList();
        return ranked.AsReadOnly();
    }

    /// <summary>Why a <c>never</c> rule excludes the offer, or null when none of the decision's denials is an exclusion.</summary>
    private static string? ExclusionReason(string offer, ContactDecision decision)
    {
        // The exclusion that lasts longest explains when the offer can be made again.
        RuleDenial? longest = null;
        foreach (var denial in decision.Denials)
        {
            if (denial.Kind == RuleKind.Exclusion && (longest is null || denial.RetryAt > longest.RetryAt))
            {
                longest = denial;
            }
        }
        return longest is null ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"offer '{offer}' is excluded by '{longest.RuleDescription}' ({longest.Source}): earlier contact {longest.EarlierOffer} at {longest.EarlierAt:yyyy-MM-dd'T'HH:mm:sszzz}; excluded until {longest.RetryAt:yyyy-MM-dd'T'HH:mm:sszzz}");
    }

    /// <summary>
    /// Retention: removes contacts and events older than <paramref name="retention"/> and expired reservations.
    /// The retention must be at least the policy's <see cref="ContactPolicy.LongestLookback"/> (its longest window,
    /// capacity period or cool-down): a shorter one would delete contacts that still count, and is refused.
    /// </summary>
    public int Prune(TimeSpan retention)
    {
        if (retention < Policy.LongestLookback || retention <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), retention,
                $"The retention must be at least the longest look-back of policy '{Policy.PolicyName}' ({Policy.LongestLookback}), or contacts that still count would be deleted.");
        }
        var now = Clock.GetUtcNow().UtcTicks;
        return Ledger.Prune(now - retention.Ticks, now);
    }

    /// <summary>Same answer as <see cref="ContactPolicy.IsExempt"/>, over an array (no enumerator allocation).</summary>
    private bool IsExempt(string? category)
    {
        if (category is null)
        {
            return false;
        }
        foreach (var exempt in _exemptCategories)
        {
            if (string.Equals(exempt, category, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Refuses unusable texts (<see cref="LedgerText"/>) and, when the policy declares them, channel and offer names it
    /// does not know: an unknown name would match no rule and pass unchecked.
    /// </summary>
    private void Validate(ContactRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A host that checks, then reserves, passes the same customer id object twice in a row.
        var customerId = request.CustomerId;
        if (!ReferenceEquals(customerId, _validCustomer))
        {
            LedgerText.Require(customerId, "customer id");
            _validCustomer = customerId;
        }
        var household = request.HouseholdId;
        if (!ReferenceEquals(household, _validHousehold))
        {
            LedgerText.RequireOptional(household, "household id");
            _validHousehold = household;
        }
        // Channel, offer and category are usually the same few string objects call after call.
        var channel = request.Channel;
        if (!ReferenceEquals(channel, _validChannel))
        {
            LedgerText.Require(channel, "channel");
            if (_knownChannels is not null && !_knownChannels.Contains(channel))
            {
                throw new ArgumentException(
                    $"Unknown channel '{channel}': policy '{Policy.PolicyName}' declares {string.Join(", ", Policy.Channels)} (names are case-sensitive).",
                    nameof(request));
            }
            _validChannel = channel;
        }
        var offer = request.Offer;
        if (!ReferenceEquals(offer, _validOffer))
        {
            LedgerText.RequireOptional(offer, "offer");
            if (_knownOffers is not null && offer is not null && !_knownOffers.Contains(offer))
            {
                throw new ArgumentException(
                    $"Unknown offer '{offer}': policy '{Policy.PolicyName}' declares {string.Join(", ", Policy.Offers.Select(o => o.Name))} (names are case-sensitive).",
                    nameof(request));
            }
            _validOffer = offer;
        }
        var category = request.Category;
        if (!ReferenceEquals(category, _validCategory))
        {
            LedgerText.RequireOptional(category, "category");
            _validCategory = category;
        }
    }

    private static void RequireHold(TimeSpan hold, string name)
    {
        if (hold <= TimeSpan.Zero || hold > MaxHold)
        {
            throw new ArgumentOutOfRangeException(name, hold, $"A reservation hold must be positive and at most {MaxHold}.");
        }
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/>, clamped to the range of <see cref="DateTimeOffset"/> ticks.</summary>
    private static long SaturatingAdd(long a, long b)
    {
        var sum = a + b;
        if (b > 0 && sum < a)
        {
            sum = long.MaxValue;
        }
        else if (b < 0 && sum > a)
        {
            sum = long.MinValue;
        }
        return Math.Clamp(sum, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);
    }

    /// <summary>One constraint per cool-down: an event later than now − days denies (now &lt; event + days).</summary>
    private EventConstraint[] EventConstraints(string customerId, long now)
    {
        var events = new EventConstraint[_cooldowns.Length];
        for (var i = 0; i < _cooldowns.Length; i++)
        {
            var c = _cooldowns[i];
            events[i] = new EventConstraint(customerId, c.EventName, SaturatingAdd(now, -c.Days * TimeSpan.TicksPerDay) + 1);
        }
        return events;
    }

    /// <summary>The denial for the constraint the ledger reported failing (counts first, then cool-downs).</summary>
    private RuleDenial DenialFromLedger(ContactRequest request, DateTimeOffset now, ReadOnlySpan<RuleConstraint> counts, int denied)
    {
        if (denied >= counts.Length)
        {
            var cooldown = _cooldowns[denied - counts.Length];
            var at = Ledger.LastEvent(request.CustomerId, cooldown.EventName) ?? now.UtcTicks;
            return CooldownDenial(cooldown, at);
        }
        var c = counts[denied];
        var rule = _rules[c.RuleIndex];
        return new RuleDenial(rule.Kind, rule.Description, rule.Source, c.MaxCount, c.MaxCount, _calendar.InZone(now));
    }

    private RuleDenial CooldownDenial(Cooldown cooldown, long at) =>
        new(RuleKind.Cooldown, cooldown.Description, cooldown.Source, 0, 0,
            _calendar.InZone(new DateTimeOffset(SaturatingAdd(at, cooldown.Days * TimeSpan.TicksPerDay), TimeSpan.Zero)),
            _calendar.InZone(new DateTimeOffset(at, TimeSpan.Zero)));

    /// <summary>
    /// The result of a reserve step: a new reservation (or recorded contact) is <paramref name="sent"/> as requested, kept
    /// as parts (no object made: see <see cref="RecordResult"/>); a repeated key answers with the stored entry. (The
    /// in-memory ledger does not copy a new entry back.)
    /// </summary>
    private static RecordResult ToResult(ContactDecision decision, in LedgerReserveResult result, ContactRequest asRequested, in LedgerEntry sent)
    {
        var committed = result.Status is LedgerReserveStatus.AlreadyCommitted or LedgerReserveStatus.Recorded;
        if (result.Status is LedgerReserveStatus.Reserved or LedgerReserveStatus.Recorded)
        {
            return new RecordResult(sent.Counted ? decision : ContactDecision.AllowedExempt, asRequested, sent.IdempotencyKey,
                sent.AtUtcTicks, sent.ExpiresUtcTicks, !sent.Counted, committed, result.ReservationId, result.Hint);
        }
        return Repeated(decision, result, committed);
    }

    /// <summary>A repeated key: the stored entry, as originally requested (not inlined: the common path is a new entry).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static RecordResult Repeated(ContactDecision decision, in LedgerReserveResult result, bool committed)
    {
        var e = result.Entry;
        return new RecordResult(e.Counted ? decision : ContactDecision.AllowedExempt,
            new ContactRequest(e.CustomerId, e.Channel, e.Offer, e.Category) { HouseholdId = e.HouseholdId }, e.IdempotencyKey,
            e.AtUtcTicks, e.ExpiresUtcTicks, !e.Counted, committed, result.ReservationId, result.Hint, isRepeat: true);
    }

    /// <summary>
    /// The constraints of the rules in force for the request at <paramref name="now"/>, in policy order, with the index
    /// of each one's rule. A consent or quiet-hours rule in force becomes a constraint that cannot hold (at most 0).
    /// </summary>
    /// <exception cref="ArgumentException">The request lacks what an applicable rule needs.</exception>
    private int BuildConstraints(ContactRequest request, Plan plan, DateTimeOffset now, Span<RuleConstraint> into)
    {
        // The request's segments and stage as bits of the policy's names, computed once, when a rule is scoped.
        var scope = default(ScopeBits);
        var household = request.HouseholdId is null ? CountedBy.Customer : CountedBy.Household;
        DateTime? local = null;
        var n = 0;
        foreach (ref readonly var step in plan.Steps.AsSpan())
        {
            var i = step.Rule;
            switch (step.Kind)
            {
                case RuleKind.Consent:
                    if (_rules[i].HasConsent(request))
                    {
                        continue;
                    }
                    into[n] = Blocked(i, now);
                    break;
                case RuleKind.Quiet:
                    local ??= _calendar.ToLocal(now);
                    if (!_rules[i].Quiet!.IsQuietAt(local.Value))
                    {
                        continue;
                    }
                    into[n] = Blocked(i, now);
                    break;
                default:
                    if (step.Scoped && !InScope(step, request, ref scope))
                    {
                        continue;
                    }
                    into[n] = new RuleConstraint(i, step.CountedBy == CountedBy.Household ? household : step.CountedBy,
                        step.RollingTicks != 0 ? now.UtcTicks - step.RollingTicks + 1 : _rules[i].WindowFrom(now, _calendar),
                        step.Max);
                    break;
            }
            n++;
        }
        return n;
    }

    /// <summary>A constraint that never holds: the rule denies whatever the ledger holds.</summary>
    private static RuleConstraint Blocked(int rule, DateTimeOffset now) => new(rule, CountedBy.Customer, now.UtcTicks, 0);

    /// <summary>
    /// The rules that apply to the request's channel and offer — which rules apply depends on nothing else — computed
    /// once per combination. The combination used last is checked first (hosts mostly repeat it). Beyond
    /// <see cref="MaxCachedShapes"/> combinations (a host inventing offer names without bound) a plan is computed per
    /// call and not kept.
    /// </summary>
    private Plan PlanFor(ContactRequest request)
    {
        var last = _lastPlan;
        if (last is not null && string.Equals(last.Channel, request.Channel, StringComparison.Ordinal)
            && string.Equals(last.Offer, request.Offer, StringComparison.Ordinal))
        {
            return last;
        }
        var key = (request.Channel, request.Offer);
        if (!_plans.TryGetValue(key, out var plan))
        {
            var steps = new List<Step>();
            for (var i = 0; i < _rules.Length; i++)
            {
                if (_rules[i].Applies(request))
                {
                    steps.Add(new Step(i, _rules[i]));
                }
            }
            plan = new Plan(request.Channel, request.Offer, [.. steps], QuickPlanOf(steps));
            // ConcurrentDictionary.Count takes every lock; a separate counter keeps the full-cache check cheap.
            if (Volatile.Read(ref _planCount) < MaxCachedShapes)
            {
                if (_plans.TryAdd(key, plan))
                {
                    Interlocked.Increment(ref _planCount);
                }
                else
                {
                    plan = _plans[key];
                }
            }
        }
        _lastPlan = plan;
        return plan;
    }

    /// <summary>
    /// The plan's counted rules for the in-memory ledger's quick step (<see cref="QuickPlan"/>), or null when a rule needs
    /// the full path: a capacity (everyone's contacts), a cap of 0, or scope names the bits do not cover.
    /// </summary>
    private QuickPlan? QuickPlanOf(List<Step> steps)
    {
        var rules = new List<QuickRule>();
        bool needsSegments = false, needsStage = false;
        foreach (var step in steps)
        {
            if (step.Kind is RuleKind.Consent or RuleKind.Quiet)
            {
                continue;
            }
            var rule = _rules[step.Rule];
            // (A scope list is never empty: see the constructor.)
            if (step.CountedBy == CountedBy.Everyone || step.Max <= 0 || (step.Scoped && _scopeNames is null))
            {
                return null;
            }
            needsSegments |= rule.Segments is not null;
            needsStage |= rule.Stages is not null;
            rules.Add(new QuickRule(step.Rule, step.CountedBy, step.Max, step.RollingTicks, step.SegmentBits, step.StageBits,
                InMemoryContactLedger.OfferMask(_counted[step.Rule])));
        }
        return new QuickPlan([.. rules], needsSegments, needsStage);
    }

    /// <summary>
    /// True when the in-memory ledger's quick step may decide the request (<see cref="QuickPlan"/>): no cool-downs, the
    /// request carries what the scoped rules need (a request that lacks it takes the full path, which names the rule),
    /// and no consent or quiet-hours rule denies (evaluated here, in policy order, as the full path does).
    /// </summary>
    private bool QuickApplies(ContactRequest request, Plan plan, DateTimeOffset now)
    {
        if (_hasCooldowns || plan.Quick is not { } quick
            || (quick.NeedsSegments && request.Segments is null) || (quick.NeedsStage && request.Stage is null))
        {
            return false;
        }
        DateTime? local = null;
        for (var k = 0; k < plan.GateSteps; k++)
        {
            var rule = _rules[plan.Steps[k].Rule];
            if (rule.Kind == RuleKind.Consent)
            {
                if (!rule.HasConsent(request))
                {
                    return false;
                }
            }
            else
            {
                local ??= _calendar.ToLocal(now);
                if (rule.Quiet!.IsQuietAt(local.Value))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private bool CooldownDenials(string customerId, DateTimeOffset now, List<RuleDenial>? into)
    {
        var any = false;
        foreach (var cooldown in _cooldowns)
        {
            if (Ledger.LastEvent(customerId, cooldown.EventName) is not { } at)
            {
                continue;
            }
            if (now.UtcTicks < SaturatingAdd(at, cooldown.Days * TimeSpan.TicksPerDay))
            {
                any = true;
                into?.Add(CooldownDenial(cooldown, at));
            }
        }
        return any;
    }

    private ContactDecision Decide(ContactRequest request, DateTimeOffset now)
    {
        var plan = PlanFor(request);
        var most = plan.Steps.Length;
        Span<RuleConstraint> constraints = most <= MaxStackConstraints ? stackalloc RuleConstraint[most] : new RuleConstraint[most];
        var n = BuildConstraints(request, plan, now, constraints);
        List<RuleDenial>? denials = null;
        // Consent and quiet-hours rules come first in policy order; cool-downs follow them.
        var k = 0;
        for (; k < n && _rules[constraints[k].RuleIndex].Kind is RuleKind.Consent or RuleKind.Quiet; k++)
        {
            var rule = _rules[constraints[k].RuleIndex];
            (denials ??= []).Add(rule.Kind == RuleKind.Consent
                ? new RuleDenial(RuleKind.Consent, rule.Description, rule.Source, 0, 0, null)
                : new RuleDenial(RuleKind.Quiet, rule.Description, rule.Source, 0, 0, FirstFreeAt(request.Channel, now)));
        }
        if (_hasCooldowns)
        {
            var list = denials ?? [];
            if (CooldownDenials(request.CustomerId, now, list))
            {
                denials = list;
            }
        }
        var measured = n - k;
        Span<WindowUsage?> usages = measured <= MaxStackConstraints ? stackalloc WindowUsage?[measured] : new WindowUsage?[measured];
        if (_memoryLedger is { } memory)
        {
            memory.MeasureEachIfAtCap(constraints[k..n], _counted, request.CustomerId, request.HouseholdId, usages, now.UtcTicks);
        }
        else
        {
            Ledger.MeasureEachIfAtCap(Materialize(constraints[k..n], request.CustomerId, request.HouseholdId), usages, now.UtcTicks);
        }
        for (var first = k; k < n; k++)
        {
            ref readonly var c = ref constraints[k];
            if (usages[k - first] is not { } usage)
            {
                continue;
            }
            var rule = _rules[c.RuleIndex];
            var pivot = usage.PivotUtcTicks is { } p && c.MaxCount > 0 ? new DateTimeOffset(p, TimeSpan.Zero) : (DateTimeOffset?)null;
            DateTimeOffset? retry = pivot is { } at ? _calendar.LeavesWindowAt(at, rule.Window) : null;
            (denials ??= []).Add(rule.Kind == RuleKind.Exclusion
                // The pivot of "fewer than 1" is the latest blocking contact: the one that blocks longest.
                ? new RuleDenial(RuleKind.Exclusion, rule.Description, rule.Source, usage.Count, 0, retry)
                {
                    EarlierOffer = rule.BlockingOffer,
                    EarlierAt = pivot is { } earlier ? _calendar.InZone(earlier) : null,
                }
                : new RuleDenial(rule.Kind, rule.Description, rule.Source, usage.Count, c.MaxCount, retry));
        }
        if (denials is null)
        {
            return ContactDecision.Allowed;
        }
        return Denied(denials, request.Channel);
    }

    /// <summary>
    /// The denial of <paramref name="denials"/>; its retry time moved past the channel's quiet hours. A method of its
    /// own so that the allowed path does not allocate the lambda's closure (C# creates it where the captured
    /// parameter's scope begins).
    /// </summary>
    private ContactDecision Denied(List<RuleDenial> denials, string channel) =>
        _quietByChannel is not null && _quietByChannel.ContainsKey(channel)
            ? ContactDecision.Denied(denials, t => FirstFreeAt(channel, t))
            : ContactDecision.Denied(denials);

    /// <summary>
    /// The first instant at or after <paramref name="from"/> at which <paramref name="channel"/> is not quiet (back-to-back
    /// quiet stretches are followed: 20:00..09:00 after a quiet Sunday ends on Monday at 09:00); null when it is quiet at
    /// every hour.
    /// </summary>
    private DateTimeOffset? FirstFreeAt(string channel, DateTimeOffset from)
    {
        if (_quietByChannel is null || !_quietByChannel.TryGetValue(channel, out var periods))
        {
            return from;
        }
        return _calendar.FirstFreeInstant(from, local =>
        {
            DateTime? end = null;
            foreach (var period in periods)
            {
                if (period.QuietUntil(local) is { } until && (end is null || until > end))
                {
                    end = until;
                }
            }
            return end;
        }, QuietHorizon);
    }

    private sealed record Rule(RuleKind Kind, LimitScope? Scope, string? Channel, int Max, TimeWindow Window, string Description, SourceLine Source)
    {
        /// <summary>Counts the household's contacts (the customer's own when the request names no household).</summary>
        public bool PerHousehold { get; init; }

        /// <summary>The rule applies only to requests whose customer is in one of these segments; null = any.</summary>
        public string[]? Segments { get; init; }

        /// <summary>The rule applies only to requests whose customer is at one of these stages; null = any.</summary>
        public string[]? Stages { get; init; }

        /// <summary>For an exclusion: the offer whose earlier contacts block the request.</summary>
        public string? BlockingOffer { get; init; }

        /// <summary>For quiet hours: the declaration.</summary>
        public QuietPeriod? Quiet { get; init; }

        /// <summary>
        /// True when the request's customer is in the rule's segments and at its stages. A rule scoped by segment or
        /// stage cannot decide without them, so a request that lacks them is a host error, not an allowed contact.
        /// </summary>
        public bool InScope(ContactRequest r)
        {
            if (Segments is { } segments)
            {
                RequireSegments(r);
                var inAny = false;
                foreach (var segment in segments)
                {
                    inAny |= ContainsOrdinal(r.Segments!, segment);
                }
                if (!inAny)
                {
                    return false;
                }
            }
            if (Stages is { } stages)
            {
                RequireStage(r);
                return System.Array.IndexOf(stages, r.Stage) >= 0;
            }
            return true;
        }

        /// <summary>True for a rule scoped by segment or stage.</summary>
        public bool Scoped => Segments is not null || Stages is not null;

        /// <summary>The bits of the rule's segments (0 when not scoped by segment); see <see cref="ContactGate.InScope"/>.</summary>
        public ulong SegmentBits { get; set; }

        /// <summary>The bits of the rule's stages (0 when not scoped by stage).</summary>
        public ulong StageBits { get; set; }

        /// <summary>Throws when the rule is scoped by segment and the request lacks the customer's segments.</summary>
        public void RequireSegments(ContactRequest r)
        {
            if (Segments is { } segments && r.Segments is null)
            {
                throw new ArgumentException(
                    $"The limit '{Description}' ({Source}) applies only to customers in {string.Join(", ", segments)}: the request must carry the customer's segments (ContactRequest.Segments; the generated CreateRequest fills them from the customer record).",
                    "request");
            }
        }

        /// <summary>Throws when the rule is scoped by stage and the request lacks the customer's stage.</summary>
        public void RequireStage(ContactRequest r)
        {
            if (Stages is { } stages && r.Stage is null)
            {
                throw new ArgumentException(
                    $"The limit '{Description}' ({Source}) applies only at {string.Join(", ", stages)}: the request must carry the customer's stage (ContactRequest.Stage; the generated CreateRequest fills it).",
                    "request");
            }
        }

        /// <summary>For a consent rule: true when the request carries the customer's consent for the channel.</summary>
        public bool HasConsent(ContactRequest r)
        {
            if (r.Consents is not { } consents)
            {
                throw new ArgumentException(
                    $"The {Description} ({Source}): the request must carry the customer's consents (ContactRequest.Consents; an empty list when the customer consented to nothing).",
                    "request");
            }
            return ContainsOrdinal(consents, Channel!);
        }

        /// <summary>Ordinal membership without LINQ's enumerator allocation for the usual arrays and lists.</summary>
        private static bool ContainsOrdinal(IReadOnlyCollection<string> set, string value)
        {
            if (set is IReadOnlyList<string> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (string.Equals(list[i], value, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                return false;
            }
            foreach (var item in set)
            {
                if (string.Equals(item, value, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Length of a rolling Day/Week window in ticks (pure tick arithmetic, no time-zone conversion); 0 for
        /// windows that need the calendar (rolling months/years, calendar windows).
        /// </summary>
        public long RollingTicks { get; } = !Window.Calendar && Window.Unit is TimeUnit.Day or TimeUnit.Week
            ? Window.Count * (Window.Unit == TimeUnit.Week ? 7 : 1) * TimeSpan.TicksPerDay
            : 0;

        /// <summary>The last calendar window computed for this rule, reused while "now" stays in the same unit.</summary>
        private ZoneCalendar.CachedWindow? _calendarWindow;

        /// <summary>True when the rule concerns the request's channel and offer (all that the applicable-rule cache keys on).</summary>
        public bool Applies(ContactRequest r) =>
            Scope is null
                ? string.Equals(Channel, r.Channel, StringComparison.Ordinal)
                : Scope.Matches(r.Channel, r.Offer);

        /// <summary>Same result as <see cref="ZoneCalendar.WindowFromTicks"/>, without its zone conversions where possible.</summary>
        public long WindowFrom(DateTimeOffset now, ZoneCalendar calendar)
        {
            if (RollingTicks != 0)
            {
                return now.UtcTicks - RollingTicks + 1;
            }
            if (Window.Calendar)
            {
                var cached = Volatile.Read(ref _calendarWindow);
                if (cached is null || !cached.Contains(now.UtcTicks))
                {
                    cached = calendar.CalendarWindow(now, Window);
                    Volatile.Write(ref _calendarWindow, cached);
                }
                return cached.FromUtcTicks;
            }
            return calendar.WindowFromTicks(now, Window);
        }

        /// <summary>
        /// What the rule counts, without the customer or household (see <see cref="RuleConstraint"/>). A consent or
        /// quiet-hours rule in force counts any contact of the customer, at most 0 of them: it cannot hold.
        /// </summary>
        public ContactFilter Counted() => (Kind, Scope) switch
            {
                (RuleKind.Consent or RuleKind.Quiet, _) => new ContactFilter(null, null, null, false),
                (RuleKind.Exclusion, _) => new ContactFilter(null, null, BlockingOffer, false),
                (_, null) => new ContactFilter(null, Channel, null, false),
                (_, { Kind: LimitScopeKind.Offers }) => new ContactFilter(null, null, null, true),
                (_, { Kind: LimitScopeKind.Contacts }) => new ContactFilter(null, null, null, false),
                (_, { Kind: LimitScopeKind.Channel }) => new ContactFilter(null, Scope.Name, null, false),
                (_, { Kind: LimitScopeKind.Group }) => new ContactFilter(null, null, null, true) { OfferIn = Scope.GroupOffers },
                _ => new ContactFilter(null, null, Scope.Name, false),
            };
    }

    /// <summary>The indices (in policy order) of the rules that apply to one (channel, offer) pair.</summary>
    private sealed class Plan(string channel, string? offer, Step[] steps, QuickPlan? quick)
    {
        public readonly string Channel = channel;
        public readonly string? Offer = offer;
        public readonly Step[] Steps = steps;

        /// <summary>The counted rules as the in-memory ledger answers them without constraints; null when it cannot (see <see cref="QuickPlan"/>).</summary>
        public readonly QuickPlan? Quick = quick;

        /// <summary>How many consent and quiet-hours steps come first (policy order puts them before the counted rules).</summary>
        public readonly int GateSteps = steps.TakeWhile(s => s.Kind is RuleKind.Consent or RuleKind.Quiet).Count();
    }

    /// <summary>
    /// One rule of a <see cref="Plan"/>, with what <see cref="BuildConstraints"/> needs of it in one small struct, so
    /// that the common rule (a limit with a rolling window) is decided without reading the rule object.
    /// </summary>
    private readonly struct Step(int ruleIndex, Rule rule)
    {
        public int Rule { get; } = ruleIndex;

        /// <summary>Consent, Quiet, or a counted kind (limit, exclusion, capacity).</summary>
        public RuleKind Kind { get; } = rule.Kind;

        public bool Scoped { get; } = rule.Scoped;

        /// <summary>Everyone for a capacity; Household for a household limit (the customer's own when the request names no household); else Customer.</summary>
        public CountedBy CountedBy { get; } =
            rule.Scope is null && rule.Kind is not (RuleKind.Exclusion or RuleKind.Consent or RuleKind.Quiet) ? CountedBy.Everyone
            : rule.PerHousehold ? CountedBy.Household
            : CountedBy.Customer;

        public int Max { get; } = rule.Max;

        /// <summary>See <see cref="Rule.RollingTicks"/>.</summary>
        public long RollingTicks { get; } = rule.RollingTicks;

        /// <summary>See <see cref="Rule.SegmentBits"/>.</summary>
        public ulong SegmentBits { get; } = rule.SegmentBits;

        /// <summary>See <see cref="Rule.StageBits"/>.</summary>
        public ulong StageBits { get; } = rule.StageBits;
    }

    /// <summary>
    /// True when the request's customer is in the rule's segments and at its stages (see <see cref="Rule.InScope"/>),
    /// decided on bits: each segment and stage name that a rule is scoped by has a bit, and the request's names are
    /// turned into bits once per call (<paramref name="scope"/>), instead of comparing names for every scoped rule.
    /// </summary>
    /// <remarks>The bits are copied into the <see cref="Step"/>: the rule object is read only to report missing data.</remarks>
    private bool InScope(in Step step, ContactRequest request, ref ScopeBits scope)
    {
        if (_scopeNames is not { } names)
        {
            return _rules[step.Rule].InScope(request);
        }
        // Same order of questions as Rule.InScope: segments (missing: an error), then the stage.
        if (step.SegmentBits != 0)
        {
            if (request.Segments is null)
            {
                _rules[step.Rule].RequireSegments(request);
            }
            if (!scope.Known)
            {
                scope = ScopeBits.Of(request, names);
            }
            if ((step.SegmentBits & scope.Segments) == 0)
            {
                return false;
            }
        }
        if (step.StageBits != 0)
        {
            if (request.Stage is null)
            {
                _rules[step.Rule].RequireStage(request);
            }
            if (!scope.Known)
            {
                scope = ScopeBits.Of(request, names);
            }
            return (step.StageBits & scope.Stage) != 0;
        }
        return true;
    }
}
