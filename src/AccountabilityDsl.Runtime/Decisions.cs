using System.Globalization;
using System.Text;

namespace AccountabilityDsl.Runtime;

/// <summary>A request to contact a customer.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Channel">The channel, e.g. <c>sms</c>.</param>
/// <param name="Offer">The offer carried, if any.</param>
/// <param name="Category">The contact category, e.g. <c>transactional</c>; exempt categories are never blocked or counted.</param>
/// <remarks>
/// A policy with <c>in</c>/<c>at</c> limits needs <see cref="Segments"/> and <see cref="Stage"/> (the generated class
/// computes them from the customer record); a request that lacks what an applicable rule needs is refused with an
/// <see cref="ArgumentException"/> naming the rule, never silently allowed. <see cref="HouseholdId"/> groups customers
/// for <c>per household</c> limits (absent: a household of one). <see cref="Consents"/> lists the channels the
/// customer consented to; a request on a channel that <c>requires consent</c> must carry it (an empty list when the
/// customer consented to nothing) and is denied when the channel is not in it.
/// </remarks>
public sealed record ContactRequest(string CustomerId, string Channel, string? Offer = null, string? Category = null)
{
    /// <summary>The segments the customer is in, for <c>in</c>-scoped limits; null when the host does not say.</summary>
    public IReadOnlyCollection<string>? Segments { get; init; }

    /// <summary>The customer's lifecycle stage, for <c>at</c>-scoped limits; null when the host does not say.</summary>
    public string? Stage { get; init; }

    /// <summary>The customer's household, for <c>per household</c> limits; null = a household of one. Stored with the contact.</summary>
    public string? HouseholdId { get; init; }

    /// <summary>The channels the customer has consented to; null when the host does not say.</summary>
    public IReadOnlyCollection<string>? Consents { get; init; }
}

/// <summary>The kind of rule that denied a contact.</summary>
public enum RuleKind
{
    /// <summary>A per-customer <see cref="ContactLimit"/>.</summary>
    Limit,
    /// <summary>A <see cref="ChannelCapacity"/> across all customers.</summary>
    Capacity,
    /// <summary>A <see cref="Cooldown"/> after an event.</summary>
    Cooldown,
    /// <summary>A <c>never</c> rule (<see cref="OfferExclusion"/>): an earlier contact with another offer blocks this one.</summary>
    Exclusion,
    /// <summary>The channel <c>requires consent</c> (<see cref="ConsentRequirement"/>) and the customer gave none for it.</summary>
    Consent,
    /// <summary>The channel is in a <see cref="QuietPeriod"/>.</summary>
    Quiet,
    /// <summary>
    /// No rule: the ledger could not be reached, so nothing could be counted, and the gate denies
    /// (<see cref="LedgerUnavailableBehavior.Deny"/>). Its description is <c>ledger unavailable</c>; it has no
    /// source line; a retry may succeed at any time.
    /// </summary>
    LedgerUnavailable,
}

/// <summary>What a <see cref="ContactGate"/> answers when its ledger cannot be reached (<see cref="LedgerUnavailableException"/>).</summary>
/// <remarks>
/// Only decisions follow it (check, reserve, record, rank). Commit, release and events always throw: their
/// outcome is the ledger's to tell, and repeating them once the ledger is back is safe. Exempt categories pass under
/// <see cref="Deny"/> and <see cref="Allow"/>: they are never counted, so the ledger's answer cannot change them.
/// </remarks>
public enum LedgerUnavailableBehavior
{
    /// <summary>
    /// The default: deny with reason <c>ledger unavailable</c> (<see cref="RuleKind.LedgerUnavailable"/>), so an outage
    /// can never let a customer be over-contacted. Nothing is recorded.
    /// </summary>
    Deny,
    /// <summary>Throw the <see cref="LedgerUnavailableException"/> to the caller, as the ledger raised it.</summary>
    Throw,
    /// <summary>
    /// Allow without checking or counting (fail open): for hosts that would rather over-contact during an outage than
    /// stop. The reservation handed out is not recorded (<see cref="Reservation.IsRecorded"/> is false).
    /// </summary>
    Allow,
}

/// <summary>One rule that denies a contact.</summary>
/// <param name="Kind">Limit, capacity, cool-down, exclusion, consent or quiet hours.</param>
/// <param name="RuleDescription">The rule text, e.g. <c>offers per customer: at most 3 per 365 days</c>.</param>
/// <param name="Source">Where the rule was written.</param>
/// <param name="CurrentCount">Contacts counted (including pending reservations); for an exclusion the blocking contacts in its window; 0 for a cool-down, consent or quiet hours.</param>
/// <param name="Cap">The cap; 0 for a cool-down, exclusion, consent or quiet hours.</param>
/// <param name="RetryAt">
/// The earliest instant a retry could succeed as far as this rule is concerned (in the host time zone's offset),
/// assuming pending reservations are committed and no further contacts are made; null when it never can (cap 0, a
/// missing consent, a channel quiet at every hour).
/// </param>
/// <param name="EventAt">For a cool-down: when the triggering event was recorded.</param>
public sealed record RuleDenial(
    RuleKind Kind,
    string RuleDescription,
    SourceLine Source,
    int CurrentCount,
    int Cap,
    DateTimeOffset? RetryAt,
    DateTimeOffset? EventAt = null)
{
    /// <summary>For an exclusion: the offer of the earlier contact that blocks this one (the latest such contact).</summary>
    public string? EarlierOffer { get; init; }

    /// <summary>For an exclusion: when the earlier contact was made (host time zone's offset).</summary>
    public DateTimeOffset? EarlierAt { get; init; }

    /// <summary>
    /// E.g. <c>limit 'offers per customer: at most 3 per 365 days' (retail-bank.owner:41) — 3 of 3 used; retry at 2027-03-02T10:00:00+00:00</c>.
    /// </summary>
    public override string ToString()
    {
        if (Kind == RuleKind.LedgerUnavailable)
        {
            return RuleDescription;
        }
        var kind = Kind switch
        {
            RuleKind.Limit => "limit",
            RuleKind.Capacity => "capacity",
            RuleKind.Exclusion => "exclusion",
            RuleKind.Consent => "consent",
            RuleKind.Quiet => "quiet hours",
            _ => "cool-down",
        };
        var sb = new StringBuilder();
        sb.Append(kind).Append(" '").Append(RuleDescription).Append("' (").Append(Source).Append(") — ");
        if (Kind == RuleKind.Cooldown)
        {
            sb.Append("event at ").Append(Format(EventAt));
        }
        else if (Kind == RuleKind.Exclusion)
        {
            sb.Append("earlier contact: ").Append(EarlierOffer).Append(" at ").Append(Format(EarlierAt));
        }
        else if (Kind == RuleKind.Consent)
        {
            sb.Append("no consent for the channel");
        }
        else if (Kind == RuleKind.Quiet)
        {
            sb.Append("quiet now");
        }
        else
        {
            sb.Append(CurrentCount.ToString(CultureInfo.InvariantCulture)).Append(" of ")
              .Append(Cap.ToString(CultureInfo.InvariantCulture)).Append(" used");
        }
        sb.Append(RetryAt is null ? "; never allowed" : "; retry at " + Format(RetryAt));
        return sb.ToString();
    }

    private static string Format(DateTimeOffset? t) =>
        t?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) ?? "?";
}

/// <summary>The verdict of <see cref="ContactGate.Check"/>.</summary>
public sealed class ContactDecision
{
    private ContactDecision(bool exempt, RuleDenial? reason, IReadOnlyList<RuleDenial> denials, DateTimeOffset? retryAt = null, LedgerUnavailableException? ledgerFailure = null)
    {
        IsExempt = exempt;
        Reason = reason;
        Denials = denials;
        RetryAt = retryAt;
        LedgerFailure = ledgerFailure;
    }

    /// <summary>
    /// The ledger's failure when it could not be reached and the gate decided without it (denied under
    /// <see cref="LedgerUnavailableBehavior.Deny"/>, allowed unchecked under <see cref="LedgerUnavailableBehavior.Allow"/>,
    /// or an exempt contact that passed unrecorded); null when the ledger answered.
    /// </summary>
    public LedgerUnavailableException? LedgerFailure { get; }

    /// <summary>True when the ledger could not be reached and this decision was made without it.</summary>
    public bool IsLedgerUnavailable => LedgerFailure is not null;

    /// <summary>The denial when the ledger cannot be reached (<see cref="LedgerUnavailableBehavior.Deny"/>): retry from <paramref name="now"/> on.</summary>
    internal static ContactDecision DeniedLedgerUnavailable(LedgerUnavailableException failure, DateTimeOffset now)
    {
        var denial = new RuleDenial(RuleKind.LedgerUnavailable, "ledger unavailable", new SourceLine("", 0, ""), 0, 0, now);
        return new ContactDecision(false, denial, [denial], now, failure);
    }

    /// <summary>An allowed decision made without the ledger (an exempt contact, or <see cref="LedgerUnavailableBehavior.Allow"/>).</summary>
    internal static ContactDecision AllowedWithoutLedger(LedgerUnavailableException failure, bool exempt) =>
        new(exempt, null, [], ledgerFailure: failure);

    /// <summary>The (shared, immutable) decision for an allowed, counted contact.</summary>
    public static ContactDecision Allowed { get; } = new(false, null, []);

    /// <summary>The (shared, immutable) decision for a contact in an exempt category.</summary>
    public static ContactDecision AllowedExempt { get; } = new(true, null, []);

    /// <summary>True when the contact may be made.</summary>
    public bool IsAllowed => Reason is null;

    /// <summary>True when the contact's category is exempt (never blocked, never counted).</summary>
    public bool IsExempt { get; }

    /// <summary>
    /// The denying rule reported: among all denying rules, the one whose retry is latest (never &gt; any instant).
    /// Null when allowed.
    /// </summary>
    public RuleDenial? Reason { get; }

    /// <summary>
    /// Every denying rule, in policy order (consent, quiet hours, cool-downs, then limits, exclusions and capacities).
    /// Empty when allowed.
    /// </summary>
    public IReadOnlyList<RuleDenial> Denials { get; }

    /// <summary>The kind of the reported rule, or null when allowed.</summary>
    public RuleKind? Kind => Reason?.Kind;

    /// <summary>The reported rule's text, or null when allowed.</summary>
    public string? RuleDescription => Reason?.RuleDescription;

    /// <summary>Where the reported rule was written, or null when allowed.</summary>
    public SourceLine? Source => Reason?.Source;

    /// <summary>The reported rule's current count (0 when allowed).</summary>
    public int CurrentCount => Reason?.CurrentCount ?? 0;

    /// <summary>The reported rule's cap (0 when allowed).</summary>
    public int Cap => Reason?.Cap ?? 0;

    /// <summary>
    /// When denied: the earliest instant the same request would be allowed (every denying rule satisfied and the
    /// channel not quiet then), assuming pending reservations are committed and no further contacts are made; null if
    /// never. Null when allowed.
    /// </summary>
    public DateTimeOffset? RetryAt { get; }

    internal static ContactDecision Denied(List<RuleDenial> denials) => Denied(denials, static t => t);

    /// <summary>
    /// A denial whose <see cref="RetryAt"/> is the latest rule retry moved on by <paramref name="firstFreeAt"/> (the
    /// first instant at or after it at which the channel is not quiet).
    /// </summary>
    internal static ContactDecision Denied(List<RuleDenial> denials, Func<DateTimeOffset, DateTimeOffset?> firstFreeAt)
    {
        RuleDenial? latest = null;
        foreach (var d in denials)
        {
            if (latest is null
                || (latest.RetryAt is not null && (d.RetryAt is null || d.RetryAt.Value > latest.RetryAt.Value)))
            {
                latest = d;
            }
        }
        return new ContactDecision(false, latest, denials.AsReadOnly(), latest!.RetryAt is { } retry ? firstFreeAt(retry) : null);
    }

    /// <summary>A human explanation, e.g. <c>denied: limit '…' (file.owner:41) — 3 of 3 used; retry at …</c>.</summary>
    public override string ToString()
    {
        if (Reason is null)
        {
            var allowed = IsExempt ? "allowed (exempt category)" : "allowed";
            return IsLedgerUnavailable ? allowed + " without the ledger (unavailable): not checked, not recorded" : allowed;
        }
        if (Reason.Kind == RuleKind.LedgerUnavailable)
        {
            return "denied: ledger unavailable: " + LedgerFailure?.Message;
        }
        var text = "denied: " + Reason;
        return Denials.Count > 1 ? $"{text} (+{Denials.Count - 1} more denying rule{(Denials.Count > 2 ? "s" : "")})" : text;
    }
}

/// <summary>A held slot for one contact: count it now, then <see cref="ContactGate.Commit"/> or <see cref="ContactGate.Release"/>.</summary>
/// <param name="Request">The contact as reserved (for a repeated key: as originally reserved).</param>
/// <param name="IdempotencyKey">The key (unique per customer).</param>
/// <param name="ReservedAt">The contact's time in the ledger.</param>
/// <param name="ExpiresAt">When the reservation stops counting unless committed (<see cref="DateTimeOffset.MaxValue"/> once committed).</param>
/// <param name="IsExempt">True for an exempt (uncounted) contact.</param>
public sealed record Reservation(
    ContactRequest Request,
    string IdempotencyKey,
    DateTimeOffset ReservedAt,
    DateTimeOffset ExpiresAt,
    bool IsExempt)
{
    /// <summary>
    /// The ledger-assigned id of this reservation (never reused): commit and release act on this reservation only,
    /// never on a later one of the same key.
    /// </summary>
    public long ReservationId { get; init; }

    /// <summary>Optional ledger lookup hint (not part of equality).</summary>
    internal object? Hint { get; init; }

    /// <summary>
    /// False for a reservation handed out while the ledger could not be reached (an exempt contact, or any contact
    /// under <see cref="LedgerUnavailableBehavior.Allow"/>): it was never stored and is never counted, so
    /// <see cref="ContactGate.Commit"/> answers <see cref="CommitOutcome.NotRecorded"/>. Ledgers number reservations
    /// from 1, so the id 0 marks it.
    /// </summary>
    public bool IsRecorded => ReservationId != 0;

    /// <summary>The reference the ledger's Commit and Release take.</summary>
    public ReservationRef Reference => new(Request.CustomerId, IdempotencyKey, ReservationId) { Hint = Hint };

    /// <inheritdoc />
    public bool Equals(Reservation? other) =>
        other is not null && Request == other.Request && IdempotencyKey == other.IdempotencyKey
        && ReservedAt == other.ReservedAt && IsExempt == other.IsExempt && ReservationId == other.ReservationId;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Request, IdempotencyKey, ReservedAt, ReservationId);
}

/// <summary>Result of <see cref="ContactGate.TryReserve"/>.</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Reservation">The reservation when allowed, else null.</param>
/// <param name="IsRepeat">True when the idempotency key had already been reserved or committed and the existing reservation was returned.</param>
/// <param name="IsCommitted">True when the returned reservation is already committed.</param>
public sealed record ReservationResult(ContactDecision Decision, Reservation? Reservation, bool IsRepeat = false, bool IsCommitted = false)
{
    /// <summary>True when a reservation is held.</summary>
    public bool IsAllowed => Reservation is not null;
}

/// <summary>
/// Result of <see cref="ContactGate.TryRecord"/>: the decision and, when allowed, the contact as recorded. A struct,
/// so that the one-call path allocates nothing for an allowed contact: <see cref="Reservation"/> is made when it is
/// read (each read makes a new, equal object). Converts implicitly to <see cref="ReservationResult"/>.
/// </summary>
/// <remarks>
/// Holds either a reservation made already (a contact allowed without the ledger) or the parts of a stored one
/// (request, key, times, id), never both.
/// </remarks>
public readonly struct RecordResult : IEquatable<RecordResult>
{
    private readonly Reservation? _made;
    private readonly ContactRequest? _request;
    private readonly string? _key;
    private readonly long _atTicks;
    private readonly long _expiresTicks;
    private readonly long _id;
    private readonly object? _hint;
    private readonly bool _exempt;

    /// <summary>A result with a reservation made already (or none: denied).</summary>
    internal RecordResult(ContactDecision decision, Reservation? reservation, bool isRepeat, bool isCommitted)
    {
        Decision = decision;
        _made = reservation;
        IsRepeat = isRepeat;
        IsCommitted = isCommitted;
    }

    /// <summary>A contact stored by the ledger (new, or found under a repeated key): the parts of its <see cref="Reservation"/>.</summary>
    internal RecordResult(ContactDecision decision, ContactRequest request, string key, long atTicks, long expiresTicks, bool exempt, bool isCommitted, long id, object? hint, bool isRepeat = false)
    {
        IsRepeat = isRepeat;
        Decision = decision;
        _request = request;
        _key = key;
        _atTicks = atTicks;
        _expiresTicks = expiresTicks;
        _exempt = exempt;
        IsCommitted = isCommitted;
        _id = id;
        _hint = hint;
    }

    /// <summary>The decision.</summary>
    public ContactDecision Decision { get; }

    /// <summary>True when the contact is recorded (or reserved: a repeated key of a pending reservation).</summary>
    public bool IsAllowed => _made is not null || _request is not null;

    /// <summary>True when the idempotency key had already been reserved or committed and the existing contact was returned.</summary>
    public bool IsRepeat { get; }

    /// <summary>True when the returned contact is committed (false for a repeated key of a pending reservation, or a contact allowed without the ledger).</summary>
    public bool IsCommitted { get; }

    /// <summary>The contact as recorded when allowed, else null; made on each read (see <see cref="RecordResult"/>).</summary>
    public Reservation? Reservation => _made ?? (_request is null ? null
        : new Reservation(_request, _key!, new DateTimeOffset(_atTicks, TimeSpan.Zero),
            IsCommitted || _expiresTicks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue : new DateTimeOffset(_expiresTicks, TimeSpan.Zero),
            _exempt)
        { ReservationId = _id, Hint = _hint });

    /// <summary>The same result as a <see cref="ReservationResult"/> (what <see cref="ContactGate.TryReserve"/> returns).</summary>
    public ReservationResult ToReservationResult() => new(Decision, Reservation, IsRepeat, IsCommitted);

    /// <summary>See <see cref="ToReservationResult"/>.</summary>
    public static implicit operator ReservationResult(RecordResult result) => result.ToReservationResult();

    /// <inheritdoc />
    public bool Equals(RecordResult other) =>
        Equals(Decision, other.Decision) && IsRepeat == other.IsRepeat && IsCommitted == other.IsCommitted && Equals(Reservation, other.Reservation);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RecordResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Decision, IsRepeat, IsCommitted, Reservation);

    /// <summary>Equality as <see cref="Equals(RecordResult)"/>.</summary>
    public static bool operator ==(RecordResult left, RecordResult right) => left.Equals(right);

    /// <summary>Inequality as <see cref="Equals(RecordResult)"/>.</summary>
    public static bool operator !=(RecordResult left, RecordResult right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => ToReservationResult().ToString();
}

/// <summary>An offer the host would like to make, for <see cref="ContactGate.RankOffers(ContactRequest, IEnumerable{OfferCandidate})"/>.</summary>
/// <param name="Offer">The offer.</param>
/// <param name="Channel">The channel it would be made through.</param>
/// <param name="ApprovedByAccountableOwner">Whether its accountable owner approved it; unapproved offers are excluded.</param>
/// <param name="Category">The contact category, if any.</param>
public sealed record OfferCandidate(OfferDefinition Offer, string Channel, bool ApprovedByAccountableOwner, string? Category = null);

/// <summary>One entry of <see cref="ContactGate.RankOffers(ContactRequest, IEnumerable{OfferCandidate})"/>.</summary>
/// <param name="Rank">1-based position in the ranking.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Decision">The gate decision, or null when excluded before gating.</param>
/// <param name="ExclusionReason">Why the candidate was excluded, or null.</param>
public sealed record RankedOffer(int Rank, OfferCandidate Candidate, ContactDecision? Decision, string? ExclusionReason)
{
    /// <summary>True when the candidate was excluded (not approved, wrong channel, or refused by a <c>never</c> rule).</summary>
    public bool IsExcluded => ExclusionReason is not null;

    /// <summary>True when the offer may be made now.</summary>
    public bool IsAllowed => Decision is { IsAllowed: true };
}
