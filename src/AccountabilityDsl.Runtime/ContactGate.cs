using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AccountabilityDsl.Runtime;

/// <summary>
/// Decides whether a customer may be contacted under a <see cref="ContactPolicy"/>, and records contacts through a
/// check → reserve → commit/release protocol against an <see cref="IContactLedger"/>. Thread-safe; holds no mutable
/// state of its own.
/// </summary>
public sealed class ContactGate
{
    private const int InlineConstraints = 8;
    // Up to this many rules, filtering them per call is cheaper than hashing the (channel, offer) pair.
    private const int LinearRuleScan = 4;
    private const int MaxCachedShapes = 4096;
    private readonly ConcurrentDictionary<(string Channel, string? Offer), int[]> _applicable = new();
    private int _applicableCount;
    private readonly Rule[] _rules;
    private readonly ZoneCalendar _calendar;
    // Copies of the policy's lists as arrays: iterating IReadOnlyList<T> through the interface allocates an
    // enumerator per call, which showed up on the reserve path.
    private readonly string[] _exemptCategories;
    private readonly bool _hasCooldowns;
    // Consent and quiet hours depend on the request and the clock only, not on the ledger.
    private readonly bool _hasPreChecks;

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
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultHold, TimeSpan.Zero, nameof(defaultHold));
        _calendar = new ZoneCalendar(zone);
        _exemptCategories = [.. policy.ExemptCategories];
        _hasCooldowns = policy.Cooldowns.Count > 0;
        var rules = new List<Rule>();
        foreach (var limit in policy.Limits)
        {
            rules.Add(new Rule(RuleKind.Limit, limit.Scope, null, limit.MaxCount, limit.Window, limit.Description, limit.Source)
            {
                PerHousehold = limit.PerHousehold,
                Segments = limit.Segments is null ? null : [.. limit.Segments],
                Stages = limit.Stages is null ? null : [.. limit.Stages],
            });
        }
        // A never rule becomes one rule per (requested offer, blocking offer): "fewer than 1 contact with the
        // blocking offer in the window", checked in the same atomic step as the limits.
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
        _hasPreChecks = policy.Consents.Count > 0 || policy.QuietPeriods.Count > 0;
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
    /// Evaluates every applicable limit, capacity and cool-down for <paramref name="request"/> now, without side
    /// effects. Pending unexpired reservations count. Exempt categories are always allowed.
    /// </summary>
    public ContactDecision Check(ContactRequest request)
    {
        Validate(request);
        if (IsExempt(request.Category))
        {
            return ContactDecision.AllowedExempt;
        }
        return Decide(request, Clock.GetUtcNow());
    }

    /// <summary>
    /// Checks and, when allowed, atomically reserves a slot for the contact. The reservation counts against every
    /// limit until it is committed, released, or expires after <paramref name="holdFor"/> (default
    /// <see cref="DefaultHold"/>). Reserving the same <paramref name="idempotencyKey"/> again (for the same customer)
    /// returns the same reservation without counting twice, as long as it is pending or committed.
    /// </summary>
    public ReservationResult TryReserve(ContactRequest request, string idempotencyKey, TimeSpan? holdFor = null)
    {
        Validate(request);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var hold = holdFor ?? DefaultHold;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(hold, TimeSpan.Zero, nameof(holdFor));
        var now = Clock.GetUtcNow();
        var nowTicks = now.UtcTicks;
        var exempt = IsExempt(request.Category);
        var entry = new LedgerEntry(request.CustomerId, idempotencyKey, request.Channel, request.Offer, request.Category,
            !exempt, nowTicks, nowTicks + hold.Ticks) { HouseholdId = request.HouseholdId };
        if (exempt)
        {
            return ToResult(ContactDecision.AllowedExempt, Ledger.TryReserve(entry, [], nowTicks), request);
        }

        if ((_hasCooldowns && CooldownDenials(request.CustomerId, now, null)) || (_hasPreChecks && PreCheckDenials(request, now, null)))
        {
            // A repeated key keeps its reservation even if a cool-down started since.
            if (Ledger.Find(request.CustomerId, idempotencyKey) is { } found
                && (found.IsCommitted || found.Entry.ExpiresUtcTicks > nowTicks))
            {
                return ToResult(ContactDecision.Allowed, Ledger.TryReserve(entry, [], nowTicks));
            }
            return new ReservationResult(Decide(request, now), null);
        }

        var buffer = new ConstraintBuffer();
        Span<CountConstraint> constraints = _rules.Length <= InlineConstraints ? buffer : new CountConstraint[_rules.Length];
        Span<int> ruleIndex = _rules.Length <= 64 ? stackalloc int[_rules.Length] : new int[_rules.Length];
        for (var attempt = 0; ; attempt++)
        {
            var n = BuildConstraints(request, now, constraints, ruleIndex);
            var result = Ledger.TryReserve(entry, constraints[..n], nowTicks);
            if (result.Status != LedgerReserveStatus.Denied)
            {
                return ToResult(ContactDecision.Allowed, result, request);
            }
            var decision = Decide(request, now);
            if (!decision.IsAllowed)
            {
                return new ReservationResult(decision, null);
            }
            if (attempt == 2)
            {
                // The ledger keeps denying while a re-evaluation sees room (slots being released concurrently):
                // report the constraint the ledger saw at its cap, retry immediately.
                var rule = _rules[ruleIndex[result.DeniedConstraint]];
                var c = constraints[result.DeniedConstraint];
                return new ReservationResult(
                    ContactDecision.Denied([new RuleDenial(rule.Kind, rule.Description, rule.Source, c.MaxCount, c.MaxCount, _calendar.InZone(now))]),
                    null);
            }
        }
    }

    /// <summary>Turns a reservation into a recorded contact. Committing twice is a no-op (<see cref="CommitOutcome.AlreadyCommitted"/>).</summary>
    public CommitOutcome Commit(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return Ledger.Commit(reservation.Request.CustomerId, reservation.IdempotencyKey, reservation.Handle, Clock.GetUtcNow().UtcTicks);
    }

    /// <summary>Drops a pending reservation (false when it was already committed, released or gone).</summary>
    public bool Release(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return Ledger.Release(reservation.Request.CustomerId, reservation.IdempotencyKey, reservation.Handle);
    }

    /// <summary>Reports an event (e.g. a complaint) for the customer, starting the matching cool-downs at <paramref name="at"/> (default now).</summary>
    public void RecordEvent(string customerId, string eventName, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        Ledger.RecordEvent(customerId, eventName, (at ?? Clock.GetUtcNow()).UtcTicks);
    }

    /// <summary>
    /// Ranks offers for a customer: candidates not approved by their accountable owner, or not offered through the
    /// requested channel, are excluded (with a reason); the rest are gated with <see cref="Check"/>. Allowed offers
    /// come first, then denied ones, then excluded ones; within each group by priority (higher first), then
    /// declaration order.
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(string customerId, IEnumerable<OfferCandidate> candidates)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return RankOffers(new ContactRequest(customerId, "-"), candidates);
    }

    /// <summary>
    /// Ranks offers as <see cref="RankOffers(string, IEnumerable{OfferCandidate})"/> does, for the customer described by
    /// <paramref name="customer"/> (its id, segments, stage, household and consents; its channel, offer and category
    /// are ignored). Candidates that a <c>never</c> rule excludes because of an earlier contact are excluded too, and
    /// the reason names the rule, its line, the earlier contact and when the exclusion ends.
    /// </summary>
    public IReadOnlyList<RankedOffer> RankOffers(ContactRequest customer, IEnumerable<OfferCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentException.ThrowIfNullOrEmpty(customer.CustomerId, nameof(customer));
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
                string? excluded = null;
                foreach (var denial in decision.Denials)
                {
                    if (denial.Kind == RuleKind.Exclusion)
                    {
                        excluded = $"offer '{offer.Name}' is excluded by '{denial.RuleDescription}' ({denial.Source}): earlier contact {denial.EarlierOffer} at {denial.EarlierAt:yyyy-MM-dd'T'HH:mm:sszzz}; excluded until {denial.RetryAt:yyyy-MM-dd'T'HH:mm:sszzz}";
                        break;
                    }
                }
                entries.Add((candidate, decision, excluded));
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

    /// <summary>Retention: removes contacts and events older than <paramref name="retention"/> and expired reservations.</summary>
    public int Prune(TimeSpan retention)
    {
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

    private static void Validate(ContactRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.CustomerId, nameof(request.CustomerId));
        ArgumentException.ThrowIfNullOrEmpty(request.Channel, nameof(request.Channel));
    }

    private ReservationResult ToResult(ContactDecision decision, in LedgerReserveResult result, ContactRequest? asRequested = null)
    {
        var e = result.Entry;
        var request = result.Status == LedgerReserveStatus.Reserved && asRequested is not null
            ? asRequested
            : new ContactRequest(e.CustomerId, e.Channel, e.Offer, e.Category);
        var committed = result.Status == LedgerReserveStatus.AlreadyCommitted;
        var reservation = new Reservation(
            request,
            e.IdempotencyKey,
            new DateTimeOffset(e.AtUtcTicks, TimeSpan.Zero),
            committed || e.ExpiresUtcTicks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue : new DateTimeOffset(e.ExpiresUtcTicks, TimeSpan.Zero),
            !e.Counted)
        { Handle = result.Handle };
        return new ReservationResult(e.Counted ? decision : ContactDecision.AllowedExempt, reservation,
            result.Status != LedgerReserveStatus.Reserved, committed);
    }

    private int BuildConstraints(ContactRequest request, DateTimeOffset now, Span<CountConstraint> into, Span<int> ruleIndex)
    {
        if (_rules.Length > LinearRuleScan && ApplicableRules(request) is { } applicable)
        {
            var m = 0;
            for (var k = 0; k < applicable.Length; k++)
            {
                var rule = _rules[applicable[k]];
                if (!rule.InScope(request))
                {
                    continue;
                }
                into[m] = new CountConstraint(rule.Filter(request), rule.WindowFrom(now, _calendar), rule.Max);
                if (!ruleIndex.IsEmpty)
                {
                    ruleIndex[m] = applicable[k];
                }
                m++;
            }
            return m;
        }
        var n = 0;
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            if (!rule.Applies(request) || !rule.InScope(request))
            {
                continue;
            }
            into[n] = new CountConstraint(rule.Filter(request), rule.WindowFrom(now, _calendar), rule.Max);
            if (!ruleIndex.IsEmpty)
            {
                ruleIndex[n] = i;
            }
            n++;
        }
        return n;
    }

    /// <summary>
    /// Indices (in policy order) of the rules that apply to the request's channel and offer — which rules apply
    /// depends on nothing else — computed once per combination. Null when the cache is full (a host inventing
    /// offer names without bound): the caller then filters per call.
    /// </summary>
    private int[]? ApplicableRules(ContactRequest request)
    {
        var key = (request.Channel, request.Offer);
        if (_applicable.TryGetValue(key, out var indices))
        {
            return indices;
        }
        // ConcurrentDictionary.Count takes every lock; a separate counter keeps the full-cache check cheap.
        if (Volatile.Read(ref _applicableCount) >= MaxCachedShapes)
        {
            return null;
        }
        var list = new List<int>();
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i].Applies(request))
            {
                list.Add(i);
            }
        }
        int[] computed = [.. list];
        if (_applicable.TryAdd(key, computed))
        {
            Interlocked.Increment(ref _applicableCount);
            return computed;
        }
        return _applicable[key];
    }

    private bool CooldownDenials(string customerId, DateTimeOffset now, List<RuleDenial>? into)
    {
        var any = false;
        foreach (var cooldown in Policy.Cooldowns)
        {
            if (Ledger.LastEvent(customerId, cooldown.EventName) is not { } at)
            {
                continue;
            }
            var until = at + cooldown.Days * TimeSpan.TicksPerDay;
            if (now.UtcTicks < until)
            {
                any = true;
                into?.Add(new RuleDenial(RuleKind.Cooldown, cooldown.Description, cooldown.Source, 0, 0,
                    _calendar.InZone(new DateTimeOffset(until, TimeSpan.Zero)),
                    _calendar.InZone(new DateTimeOffset(at, TimeSpan.Zero))));
            }
        }
        return any;
    }

    /// <summary>Consent and quiet-hour denials of the request at <paramref name="now"/>; true when there is one.</summary>
    private bool PreCheckDenials(ContactRequest request, DateTimeOffset now, List<RuleDenial>? into)
    {
        var any = false;
        foreach (var consent in Policy.Consents)
        {
            if (string.Equals(consent.Channel, request.Channel, StringComparison.Ordinal)
                && !(request.Consents?.Contains(request.Channel) ?? false))
            {
                any = true;
                into?.Add(new RuleDenial(RuleKind.Consent, $"channel {consent.Channel} requires consent", consent.Source, 0, 0, null));
            }
        }
        QuietPeriod? quietNow = null;
        var local = _calendar.ToLocal(now);
        foreach (var quiet in Policy.QuietPeriods)
        {
            if (string.Equals(quiet.Channel, request.Channel, StringComparison.Ordinal) && quiet.IsQuietAt(local))
            {
                quietNow = quiet;
                break;
            }
        }
        if (quietNow is not null)
        {
            any = true;
            if (into is not null)
            {
                var end = QuietEnd(request.Channel, local);
                into.Add(new RuleDenial(RuleKind.Quiet, quietNow.Text, quietNow.Source, 0, 0,
                    end is { } e ? _calendar.InZone(_calendar.ToInstant(e)) : null));
            }
        }
        return any;
    }

    /// <summary>
    /// The local time at which the channel's quiet time that contains <paramref name="local"/> ends, following
    /// back-to-back quiet stretches (20:00..09:00 after a quiet Sunday ends on Monday at 09:00); null when the channel
    /// is never free.
    /// </summary>
    private DateTime? QuietEnd(string channel, DateTime local)
    {
        var t = local;
        // Each step moves to the end of a quiet hour range or day; a week of steps covers every pattern.
        for (var step = 0; step < 64; step++)
        {
            DateTime? next = null;
            foreach (var quiet in Policy.QuietPeriods)
            {
                if (string.Equals(quiet.Channel, channel, StringComparison.Ordinal) && quiet.QuietUntil(t) is { } until
                    && (next is null || until > next))
                {
                    next = until;
                }
            }
            if (next is null)
            {
                return t;
            }
            t = next.Value;
        }
        return null;
    }

    private ContactDecision Decide(ContactRequest request, DateTimeOffset now)
    {
        List<RuleDenial>? denials = null;
        if (_hasPreChecks)
        {
            var list = new List<RuleDenial>();
            if (PreCheckDenials(request, now, list))
            {
                denials = list;
            }
        }
        if (_hasCooldowns)
        {
            var list = denials ?? [];
            if (CooldownDenials(request.CustomerId, now, list))
            {
                denials = list;
            }
        }
        var buffer = new ConstraintBuffer();
        Span<CountConstraint> constraints = _rules.Length <= InlineConstraints ? buffer : new CountConstraint[_rules.Length];
        Span<int> ruleIndex = _rules.Length <= 64 ? stackalloc int[_rules.Length] : new int[_rules.Length];
        var n = BuildConstraints(request, now, constraints, ruleIndex);
        for (var k = 0; k < n; k++)
        {
            ref readonly var c = ref constraints[k];
            var usage = Ledger.Measure(c, now.UtcTicks);
            if (usage.Count < c.MaxCount)
            {
                continue;
            }
            var rule = _rules[ruleIndex[k]];
            DateTimeOffset? retry = usage.PivotUtcTicks is { } pivot && c.MaxCount > 0
                ? _calendar.LeavesWindowAt(new DateTimeOffset(pivot, TimeSpan.Zero), rule.Window)
                : null;
            (denials ??= []).Add(rule.Kind == RuleKind.Exclusion
                ? new RuleDenial(rule.Kind, rule.Description, rule.Source, usage.Count, 0, retry)
                {
                    EarlierOffer = rule.BlockingOffer,
                    EarlierAt = usage.PivotUtcTicks is { } earlier ? _calendar.InZone(new DateTimeOffset(earlier, TimeSpan.Zero)) : null,
                }
                : new RuleDenial(rule.Kind, rule.Description, rule.Source, usage.Count, c.MaxCount, retry));
        }
        return denials is null ? ContactDecision.Allowed : ContactDecision.Denied(denials);
    }

    private sealed record Rule(RuleKind Kind, LimitScope? Scope, string? Channel, int Max, TimeWindow Window, string Description, SourceLine Source)
    {
        /// <summary>Counts the household's contacts (the customer's when the request names no household).</summary>
        public bool PerHousehold { get; init; }

        /// <summary>The rule applies only to requests whose customer is in one of these segments; null = any.</summary>
        public string[]? Segments { get; init; }

        /// <summary>The rule applies only to requests whose customer is at one of these stages; null = any.</summary>
        public string[]? Stages { get; init; }

        /// <summary>For an exclusion: the offer whose earlier contacts block the request.</summary>
        public string? BlockingOffer { get; init; }

        /// <summary>
        /// True when the request's customer is in the rule's segments and at its stages. A rule scoped by segment or
        /// stage cannot decide without them, so a request that lacks them is a host error, not an allowed contact.
        /// </summary>
        public bool InScope(ContactRequest r)
        {
            if (Segments is { } segments)
            {
                if (r.Segments is not { } given)
                {
                    throw new ArgumentException(
                        $"The limit '{Description}' ({Source}) applies only to customers in {string.Join(", ", segments)}; the request must carry the customer's segments (ContactRequest.Segments; the generated CreateRequest(customerId, customer, stage, …) fills them).",
                        "request");
                }
                var inAny = false;
                foreach (var segment in segments)
                {
                    inAny |= given.Contains(segment);
                }
                if (!inAny)
                {
                    return false;
                }
            }
            if (Stages is { } stages)
            {
                if (r.Stage is not { } stage)
                {
                    throw new ArgumentException(
                        $"The limit '{Description}' ({Source}) applies only at {string.Join(", ", stages)}; the request must carry the customer's stage (ContactRequest.Stage; the generated CreateRequest(customerId, customer, stage, …) fills it).",
                        "request");
                }
                return System.Array.IndexOf(stages, stage) >= 0;
            }
            return true;
        }

        /// <summary>
        /// Length of a rolling Day/Week window in ticks (pure tick arithmetic, no time-zone conversion); 0 for
        /// windows that need the calendar (rolling months/years, calendar windows).
        /// </summary>
        private readonly long _rollingTicks = !Window.Calendar && Window.Unit is TimeUnit.Day or TimeUnit.Week
            ? Window.Count * (Window.Unit == TimeUnit.Week ? 7 : 1) * TimeSpan.TicksPerDay
            : 0;

        /// <summary>The last calendar window computed for this rule, reused while "now" stays in the same unit.</summary>
        private ZoneCalendar.CachedWindow? _calendarWindow;

        public bool Applies(ContactRequest r) =>
            Scope is null
                ? string.Equals(Channel, r.Channel, StringComparison.Ordinal)
                : Scope.Matches(r.Channel, r.Offer);

        /// <summary>Same result as <see cref="ZoneCalendar.WindowFromTicks"/>, without its zone conversions where possible.</summary>
        public long WindowFrom(DateTimeOffset now, ZoneCalendar calendar)
        {
            if (_rollingTicks != 0)
            {
                return now.UtcTicks - _rollingTicks + 1;
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

        public ContactFilter Filter(ContactRequest r)
        {
            if (Kind == RuleKind.Exclusion)
            {
                return new ContactFilter(r.CustomerId, null, BlockingOffer, false);
            }
            var filter = Scope switch
            {
                null => new ContactFilter(null, Channel, null, false),
                { Kind: LimitScopeKind.Offers } => new ContactFilter(r.CustomerId, null, null, true),
                { Kind: LimitScopeKind.Contacts } => new ContactFilter(r.CustomerId, null, null, false),
                { Kind: LimitScopeKind.Channel } => new ContactFilter(r.CustomerId, Scope.Name, null, false),
                { Kind: LimitScopeKind.Group } => new ContactFilter(r.CustomerId, null, null, true) { OfferSet = Scope.GroupOffers },
                _ => new ContactFilter(r.CustomerId, null, Scope.Name, false),
            };
            // A household of one when the request names none: the customer's own contacts.
            return PerHousehold && r.HouseholdId is { } household ? filter with { CustomerId = null, HouseholdId = household } : filter;
        }
    }

    [InlineArray(InlineConstraints)]
    private struct ConstraintBuffer
    {
        private CountConstraint _element;
    }
}
