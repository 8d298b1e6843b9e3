using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccountabilityDsl.Serve.Api;

// The JSON the service reads and writes. Requests are parsed field by field (RequestFields), so
// that every mistake names its field; the request records below describe them for OpenAPI.

/// <summary>Body of <c>POST /v1/{policy}/check</c>.</summary>
/// <param name="CustomerId">The customer's id in the caller's systems.</param>
/// <param name="Channel">A channel of the policy.</param>
/// <param name="Offer">An offer of the policy, when the contact carries one.</param>
/// <param name="Category">The contact's category; exempt categories are never blocked or counted.</param>
/// <param name="Customer">The customer's attributes, when a rule is scoped by segment (the policy computes the segments).</param>
/// <param name="Segment">The assigned segment, with <c>customer</c>, for policies with segments the host assigns.</param>
/// <param name="Segments">The customer's segments, instead of <c>customer</c>.</param>
/// <param name="Stage">The customer's lifecycle stage, when a rule is scoped by stage.</param>
/// <param name="HouseholdId">The customer's household, for <c>per household</c> limits (absent: a household of one).</param>
/// <param name="Consents">The channels the customer consented to (<c>[]</c> for none); required on a channel that <c>requires consent</c>.</param>
public sealed record CheckRequest(string CustomerId, string Channel, string? Offer = null, string? Category = null,
    Dictionary<string, JsonElement>? Customer = null, string? Segment = null, IReadOnlyList<string>? Segments = null, string? Stage = null,
    string? HouseholdId = null, IReadOnlyList<string>? Consents = null);

/// <summary>Body of <c>POST /v1/{policy}/reserve</c>.</summary>
/// <param name="CustomerId">The customer's id in the caller's systems.</param>
/// <param name="Channel">A channel of the policy.</param>
/// <param name="IdempotencyKey">Identifies the contact attempt: reserving the same key again returns the same reservation.</param>
/// <param name="Offer">An offer of the policy, when the contact carries one.</param>
/// <param name="Category">The contact's category.</param>
/// <param name="HoldSeconds">How long the reservation counts unless committed (default 300).</param>
/// <param name="Customer">The customer's attributes, when a rule is scoped by segment (the policy computes the segments).</param>
/// <param name="Segment">The assigned segment, with <c>customer</c>, for policies with segments the host assigns.</param>
/// <param name="Segments">The customer's segments, instead of <c>customer</c>.</param>
/// <param name="Stage">The customer's lifecycle stage, when a rule is scoped by stage.</param>
/// <param name="HouseholdId">The customer's household, for <c>per household</c> limits (absent: a household of one); stored with the contact.</param>
/// <param name="Consents">The channels the customer consented to (<c>[]</c> for none); required on a channel that <c>requires consent</c>.</param>
public sealed record ReserveRequest(string CustomerId, string Channel, string IdempotencyKey, string? Offer = null, string? Category = null, double? HoldSeconds = null,
    Dictionary<string, JsonElement>? Customer = null, string? Segment = null, IReadOnlyList<string>? Segments = null, string? Stage = null,
    string? HouseholdId = null, IReadOnlyList<string>? Consents = null);

/// <summary>Body of <c>POST /v1/{policy}/commit</c> and <c>/release</c>.</summary>
/// <param name="Reservation">The reservation returned by reserve.</param>
public sealed record ReservationRequest(string Reservation);

/// <summary>Body of <c>POST /v1/{policy}/events</c>.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Event">An event the policy has a cool-down for, e.g. <c>Complaint</c>.</param>
/// <param name="At">When it happened (default now).</param>
public sealed record EventRequest(string CustomerId, string Event, DateTimeOffset? At = null);

/// <summary>Body of <c>POST /v1/{policy}/accountable</c>.</summary>
/// <param name="Customer">Every attribute of the policy: numbers for int and decimal, true/false for bool, a member name for enum.</param>
/// <param name="Segment">The assigned segment, for policies with segments the host assigns.</param>
/// <param name="Stage">Only this stage (default every stage).</param>
public sealed record AccountableRequest(Dictionary<string, JsonElement> Customer, string? Segment = null, string? Stage = null);

/// <summary>Body of <c>POST /v1/{policy}/offers/rank</c>.</summary>
/// <param name="CustomerId">The customer's id (for the contact rules).</param>
/// <param name="Customer">The customer's attributes (for targeting and approval).</param>
/// <param name="Stage">The customer's lifecycle stage.</param>
/// <param name="Segment">The assigned segment, for policies with segments the host assigns.</param>
/// <param name="Category">The contact's category.</param>
/// <param name="HouseholdId">The customer's household, for <c>per household</c> limits (absent: a household of one).</param>
/// <param name="Consents">The channels the customer consented to (<c>[]</c> for none); required when a channel of the policy <c>requires consent</c>.</param>
public sealed record RankRequest(string CustomerId, Dictionary<string, JsonElement> Customer, string Stage, string? Segment = null, string? Category = null,
    string? HouseholdId = null, IReadOnlyList<string>? Consents = null);

/// <summary>A check or reserve verdict.</summary>
/// <param name="Allowed">Whether the contact may be made.</param>
/// <param name="Reservation">The reservation to commit or release (reserve only, when allowed).</param>
/// <param name="Decision">Why.</param>
/// <param name="Repeat">Reserve: the idempotency key was reserved before and that reservation is returned.</param>
/// <param name="Committed">Reserve: the returned reservation is already committed.</param>
public sealed record DecisionResponse(bool Allowed, string? Reservation, DecisionBody Decision, bool? Repeat = null, bool? Committed = null);

/// <summary>The decision: for a denial, the rule reported (the one whose retry is latest) and every denying rule.</summary>
public sealed record DecisionBody(
    bool Exempt,
    string? Kind,
    string? Rule,
    string? File,
    int? Line,
    string? Text,
    int? Count,
    int? Cap,
    DateTimeOffset? RetryAt,
    DateTimeOffset? EventAt,
    string? EarlierOffer,
    DateTimeOffset? EarlierAt,
    string Explanation,
    IReadOnlyList<DenialBody> Denials);

/// <summary>One denying rule.</summary>
/// <param name="Kind"><c>limit</c>, <c>capacity</c>, <c>cooldown</c>, <c>exclusion</c> (a <c>never</c> rule), <c>consent</c> or <c>quiet</c>.</param>
/// <param name="Rule">The rule as the gate describes it.</param>
/// <param name="File">The .owner file that declares it.</param>
/// <param name="Line">Its line.</param>
/// <param name="Text">The line's text.</param>
/// <param name="Count">Contacts counted (for an exclusion, the blocking contacts in its window).</param>
/// <param name="Cap">The cap (0 for a cool-down, exclusion, consent or quiet hours).</param>
/// <param name="RetryAt">The earliest instant a retry could succeed as far as this rule is concerned (for quiet hours, the end of the quiet period); null when it never can.</param>
/// <param name="EventAt">For a cool-down: when the event was recorded.</param>
/// <param name="EarlierOffer">For an exclusion: the offer of the earlier contact that blocks this one.</param>
/// <param name="EarlierAt">For an exclusion: when that earlier contact was made.</param>
public sealed record DenialBody(string Kind, string Rule, string File, int Line, string Text, int Count, int Cap, DateTimeOffset? RetryAt, DateTimeOffset? EventAt, string? EarlierOffer, DateTimeOffset? EarlierAt);

/// <summary>
/// Result of commit: <c>committed</c>, <c>alreadyCommitted</c>, or <c>notRecorded</c> for a reservation handed out
/// while the ledger was unavailable (exempt, or allowed unchecked); expired and unknown reservations are problems.
/// </summary>
public sealed record CommitResponse(string Outcome);

/// <summary>Result of release.</summary>
/// <param name="Released">False when there was nothing pending to release (committed, released before, or expired and pruned).</param>
public sealed record ReleaseResponse(bool Released);

/// <summary>Result of recording an event.</summary>
public sealed record EventResponse(string CustomerId, string Event, DateTimeOffset At);

/// <summary>A customer's segments and accountable owner per stage (what <c>ownerc explain --customer</c> says).</summary>
public sealed record AccountableResponse(string Policy, IReadOnlyList<SegmentMatch> Segments, IReadOnlyList<StageOwners> Stages);

/// <summary>A segment the customer is in, with the line that defines it.</summary>
public sealed record SegmentMatch(string Name, string File, int Line, string Why);

/// <summary>The owners accountable at one stage; one is the rule, none a vacuum, several a conflict.</summary>
public sealed record StageOwners(string Stage, string? Owner, IReadOnlyList<OwnerClaim> Owners, bool Vacuum, bool Conflict);

/// <summary>An owner, through which segment, and the deciding declaration.</summary>
public sealed record OwnerClaim(string Owner, string Segment, string File, int Line, string Declaration);

/// <summary>The ranked offers.</summary>
public sealed record RankResponse(IReadOnlyList<RankedOfferBody> Offers);

/// <summary>One ranked candidate: an offer through one channel.</summary>
public sealed record RankedOfferBody(int Rank, string Offer, string Sponsor, string Channel, bool Allowed, string? Excluded, DecisionBody? Decision);

/// <summary>Every policy the service was given (files whose headers name the same policy are one policy), and input problems.</summary>
public sealed record PoliciesResponse(IReadOnlyList<PolicyInfo> Policies, IReadOnlyList<string> InputErrors);

/// <summary>One policy: the files one compilation came from, as <c>ownerc check</c> groups them.</summary>
/// <param name="Name">The policy served (else the policy its headers name; null when none).</param>
/// <param name="Files">Its source files (full paths, in path order).</param>
/// <param name="Status"><c>serving</c>; <c>serving-previous</c> when the latest version has errors (or left one of its files behind broken) and the version before keeps serving; <c>rejected</c> when nothing is served.</param>
/// <param name="ContentHash">SHA-256 of the version serving (for one UTF-8 file, the file's SHA-256).</param>
/// <param name="LoadedAt">When the version serving was loaded.</param>
/// <param name="AttemptedAt">When the files were last read.</param>
/// <param name="Error">Why the latest version is not served, besides diagnostics.</param>
/// <param name="Diagnostics">The diagnostics of the latest version, as <c>ownerc check</c> reports them.</param>
public sealed record PolicyInfo(string? Name, IReadOnlyList<string> Files, string Status, string? ContentHash, DateTimeOffset? LoadedAt, DateTimeOffset AttemptedAt, string? Error, IReadOnlyList<DiagnosticInfo> Diagnostics);

/// <summary>A compiler diagnostic.</summary>
public sealed record DiagnosticInfo(string Id, string Severity, string Message, string File, int Line, int Column);

/// <summary>The readiness report.</summary>
public sealed record ReadinessResponse(string Status, int Policies, string Ledger);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CheckRequest))]
[JsonSerializable(typeof(ReserveRequest))]
[JsonSerializable(typeof(ReservationRequest))]
[JsonSerializable(typeof(EventRequest))]
[JsonSerializable(typeof(AccountableRequest))]
[JsonSerializable(typeof(RankRequest))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(CommitResponse))]
[JsonSerializable(typeof(ReleaseResponse))]
[JsonSerializable(typeof(EventResponse))]
[JsonSerializable(typeof(AccountableResponse))]
[JsonSerializable(typeof(RankResponse))]
[JsonSerializable(typeof(PoliciesResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
internal sealed partial class ServeJsonContext : JsonSerializerContext;
