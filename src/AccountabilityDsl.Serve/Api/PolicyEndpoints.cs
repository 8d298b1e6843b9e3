using System.Text.Json;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Compiled;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AccountabilityDsl.Serve.Api;

/// <summary>The <c>/v1</c> API: every policy by its name. See docs/service.md.</summary>
internal static class PolicyEndpoints
{
    private static readonly DecisionBody AllowedBody = Describe(ContactDecision.Allowed);
    private static readonly DecisionBody AllowedExemptBody = Describe(ContactDecision.AllowedExempt);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder v1 = endpoints.MapGroup("/v1").WithTags("decisions");
        v1.MapGet("/policies", Policies)
            .WithName("ListPolicies").WithSummary("The loaded policies: source files, content hash, load time, diagnostics.")
            .Produces<PoliciesResponse>();
        v1.MapPost("/{policy}/accountable", Accountable)
            .WithName("Accountable").WithSummary("A customer's segments and the accountable owner per stage, with the deciding .owner lines.")
            .Accepts<AccountableRequest>("application/json").Produces<AccountableResponse>().WithProblems();
        v1.MapPost("/{policy}/check", Check)
            .WithName("Check").WithSummary("Whether a contact may be made now; records nothing.")
            .Accepts<CheckRequest>("application/json").Produces<DecisionResponse>().WithProblems();
        v1.MapPost("/{policy}/reserve", Reserve)
            .WithName("Reserve").WithSummary("Checks and, when allowed, atomically reserves the contact's slot until commit, release or expiry.")
            .Accepts<ReserveRequest>("application/json").Produces<DecisionResponse>().WithProblems();
        v1.MapPost("/{policy}/commit", Commit)
            .WithName("Commit").WithSummary("Records a reserved contact as made.")
            .Accepts<ReservationRequest>("application/json").Produces<CommitResponse>().WithProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/{policy}/release", Release)
            .WithName("Release").WithSummary("Drops a pending reservation.")
            .Accepts<ReservationRequest>("application/json").Produces<ReleaseResponse>().WithProblems();
        v1.MapPost("/{policy}/events", Event)
            .WithName("RecordEvent").WithSummary("Reports an event (e.g. a complaint) that starts the policy's cool-downs.")
            .Accepts<EventRequest>("application/json").Produces<EventResponse>().WithProblems();
        v1.MapPost("/{policy}/offers/rank", Rank)
            .WithName("RankOffers").WithSummary("Ranks the offers targeting a customer at a stage: approved ones gated by the contact rules, best first.")
            .Accepts<RankRequest>("application/json").Produces<RankResponse>().WithProblems();
    }

    private static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static IResult Policies(PolicyCatalog catalog)
    {
        CatalogSnapshot snapshot = catalog.Snapshot;
        var policies = snapshot.Policies.Select(f => new PolicyInfo(
            f.Serving?.Name ?? f.Name,
            f.Files,
            f.Serving is null ? "rejected" : f.Failed ? "serving-previous" : "serving",
            f.Serving?.ContentHash,
            f.Serving?.LoadedAt,
            f.AttemptedAt,
            f.Error,
            [.. f.Diagnostics.Select(d => new DiagnosticInfo(d.Id, d.Severity.ToString().ToLowerInvariant(), d.Message, d.Location.FilePath,
                d.Location.LineSpan.Start.Line, d.Location.LineSpan.Start.Column))])).ToList();
        return TypedResults.Ok(new PoliciesResponse(policies, snapshot.InputErrors));
    }

    private static async Task<IResult> Check(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys);
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes,
            ["customerId", "channel", "offer", "category", .. CustomerContext.ContactFields]);
        if (problem is not null)
        {
            return problem;
        }

        ContactRequest? request = ReadContact(fields!, loaded.Compiled);
        if (fields!.HasErrors)
        {
            return Problems.BadRequest(fields.Errors);
        }

        ContactDecision decision = loaded.Gate.Check(request!);
        return TypedResults.Ok(new DecisionResponse(decision.IsAllowed, null, Body(decision)));
    }

    private static async Task<IResult> Reserve(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys);
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes,
            ["customerId", "channel", "offer", "category", "idempotencyKey", "holdSeconds", .. CustomerContext.ContactFields]);
        if (problem is not null)
        {
            return problem;
        }

        ContactRequest? request = ReadContact(fields!, loaded.Compiled);
        string? key = fields!.String("idempotencyKey", required: true);
        double? hold = fields.Number("holdSeconds", 1, 86_400);
        if (fields.HasErrors)
        {
            return Problems.BadRequest(fields.Errors);
        }

        ReservationResult result = loaded.Gate.TryReserve(request!, key!, hold is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        string? token = result.Reservation is { } held ? ReservationToken.Encode(held.Request.CustomerId, held.IdempotencyKey, held.ReservationId) : null;
        return TypedResults.Ok(new DecisionResponse(result.IsAllowed, token, Body(result.Decision), result.IsRepeat, result.IsCommitted));
    }

    private static async Task<IResult> Commit(string policy, HttpContext context, PolicyCatalog catalog)
    {
        (LoadedPolicy? loaded, Reservation? reservation, IResult? problem) = await ReadReservation(policy, context, catalog);
        if (problem is not null)
        {
            return problem;
        }

        return loaded!.Gate.Commit(reservation!) switch
        {
            CommitOutcome.Committed => TypedResults.Ok(new CommitResponse("committed")),
            CommitOutcome.AlreadyCommitted => TypedResults.Ok(new CommitResponse("alreadyCommitted")),
            CommitOutcome.NotRecorded => TypedResults.Ok(new CommitResponse("notRecorded")),
            CommitOutcome.Expired => Problems.Status(StatusCodes.Status409Conflict, "Reservation expired",
                "the reservation expired before it was committed (its slot may have been taken); reserve again", "reservation"),
            _ => Problems.Status(StatusCodes.Status404NotFound, "Unknown reservation",
                "no such reservation: it was released, pruned, or never made", "reservation"),
        };
    }

    private static async Task<IResult> Release(string policy, HttpContext context, PolicyCatalog catalog)
    {
        (LoadedPolicy? loaded, Reservation? reservation, IResult? problem) = await ReadReservation(policy, context, catalog);
        return problem ?? TypedResults.Ok(new ReleaseResponse(loaded!.Gate.Release(reservation!)));
    }

    private static async Task<(LoadedPolicy?, Reservation?, IResult?)> ReadReservation(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return (null, null, Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys));
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes, "reservation");
        if (problem is not null)
        {
            return (null, null, problem);
        }

        string? token = fields!.String("reservation", required: true, maxLength: 2048);
        if (fields.HasErrors)
        {
            return (null, null, Problems.BadRequest(fields.Errors));
        }

        if (!ReservationToken.TryDecode(token!, out string customerId, out string key, out long id))
        {
            return (null, null, Problems.BadRequest("reservation", "'reservation' is not a reservation this service returned"));
        }

        // The ledger settles a reservation by customer, key and id; the rest of the record is not needed.
        var reservation = new Reservation(new ContactRequest(customerId, ""), key, default, default, false) { ReservationId = id };
        return (loaded, reservation, null);
    }

    private static async Task<IResult> Event(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys);
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes, "customerId", "event", "at");
        if (problem is not null)
        {
            return problem;
        }

        string? customerId = fields!.String("customerId", required: true);
        string? name = fields.String("event", required: true);
        DateTimeOffset? at = fields.Time("at");
        var events = loaded.Compiled.ContactPolicy.Cooldowns.Select(c => c.EventName).Distinct().ToList();
        if (name is not null && !events.Contains(name))
        {
            fields.Error("event", events.Count == 0
                ? $"policy {loaded.Name} has no cool-downs, so no event changes its decisions"
                : $"'{name}' is not an event of policy {loaded.Name}{Problems.DidYouMean(name, events)} (events with a cool-down: {string.Join(", ", events)})");
        }

        if (fields.HasErrors)
        {
            return Problems.BadRequest(fields.Errors);
        }

        DateTimeOffset when = at ?? loaded.Gate.Gate.Clock.GetUtcNow();
        loaded.Gate.RecordEvent(customerId!, name!, when);
        return TypedResults.Ok(new EventResponse(customerId!, name!, when));
    }

    private static async Task<IResult> Accountable(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys);
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes, "customer", "segment", "stage");
        if (problem is not null)
        {
            return problem;
        }

        BoundPolicy bound = loaded.Compiled.Policy;
        JsonElement? customerJson = fields!.Object("customer");
        string? segment = fields.String("segment", required: false);
        StageSymbol? stage = CustomerContext.ReadStage(fields, bound, required: false);
        CustomerValues? customer = CustomerReader.Read(fields, customerJson, segment, bound);
        if (fields.HasErrors)
        {
            return Problems.BadRequest(fields.Errors);
        }

        // Each line is cited in its own file (in a policy of several files, by its path from the policy's root).
        var segments = loaded.Compiled.SegmentsOf(customer!).Select(s => new SegmentMatch(
            s.Name, RuntimeRuleFacts.SourceFileOf(bound, s.Syntax), bound.LineOf(s.Syntax),
            s.IsAssigned ? "assigned by the host" : "where " + RuntimeRuleFacts.RuleText(bound, s.Syntax.Predicate!))).ToList();
        var stages = loaded.Compiled.Explainer.Explain(customer!, stage).Select(s =>
        {
            var owners = s.Owners.Select(o => new OwnerClaim(o.Owner.Name, o.Segment.Name, RuntimeRuleFacts.SourceFileOf(bound, o.Declaration.Syntax), bound.LineOf(o.Declaration.Syntax),
                RuntimeRuleFacts.RuleText(bound, o.Declaration.Syntax))).ToList();
            string? single = owners.Select(o => o.Owner).Distinct().ToList() is [var one] ? one : null;
            return new StageOwners(s.Stage.Name, single, owners, s.IsVacuum, s.IsConflict);
        }).ToList();
        return TypedResults.Ok(new AccountableResponse(loaded.Name, segments, stages));
    }

    private static async Task<IResult> Rank(string policy, HttpContext context, PolicyCatalog catalog)
    {
        if (catalog.Find(policy) is not { } loaded)
        {
            return Problems.UnknownPolicy(policy, catalog.Snapshot.ByName.Keys);
        }

        (RequestFields? fields, IResult? problem) = await RequestFields.ReadAsync(context, catalog.MaxRequestBodyBytes,
            ["customerId", "customer", "stage", "segment", "category", .. CustomerContext.RankFields]);
        if (problem is not null)
        {
            return problem;
        }

        BoundPolicy bound = loaded.Compiled.Policy;
        string? customerId = fields!.String("customerId", required: true);
        CustomerContext about = CustomerContext.Read(fields, loaded.Compiled, forRanking: true);
        string? category = fields.String("category", required: false);
        about.RequireConsentsForRanking(fields, loaded.Compiled.ContactPolicy);
        if (fields.HasErrors)
        {
            return Problems.BadRequest(fields.Errors);
        }

        var consents = about.Consents?.Select(name => bound.Channels.First(c => c.Name == name)).ToList();
        IReadOnlyList<RankedOffer> ranked = loaded.Gate.RankOffers(gate =>
            loaded.Compiled.RankOffers(gate, customerId!, about.Customer!, about.Stage!, category, about.HouseholdId, consents));
        return TypedResults.Ok(new RankResponse([.. ranked.Select(r => new RankedOfferBody(
            r.Rank, r.Candidate.Offer.Name, r.Candidate.Offer.Sponsor, r.Candidate.Channel, r.IsAllowed, r.ExclusionReason,
            r.Decision is null ? null : Body(r.Decision)))]));
    }

    private static ContactRequest? ReadContact(RequestFields fields, CompiledPolicy compiled)
    {
        BoundPolicy policy = compiled.Policy;
        string? customerId = fields.String("customerId", required: true);
        string? channel = fields.String("channel", required: true);
        string? offer = fields.String("offer", required: false);
        string? category = fields.String("category", required: false, maxLength: 64);
        if (channel is not null && !policy.Channels.Any(c => c.Name == channel))
        {
            var channels = policy.Channels.Select(c => c.Name).ToList();
            fields.Error("channel", $"'{channel}' is not a channel of policy {policy.Name}{Problems.DidYouMean(channel, channels)} (channels: {string.Join(", ", channels)})");
        }

        if (offer is not null && !policy.Offers.Any(o => o.Name == offer))
        {
            var offers = policy.Offers.Select(o => o.Name).ToList();
            fields.Error("offer", offers.Count == 0
                ? $"policy {policy.Name} declares no offers; leave 'offer' out"
                : $"'{offer}' is not an offer of policy {policy.Name}{Problems.DidYouMean(offer, offers)} (offers: {string.Join(", ", offers)})");
        }

        CustomerContext about = CustomerContext.Read(fields, compiled, forRanking: false);
        if (fields.HasErrors)
        {
            return null;
        }

        ContactRequest request = about.ApplyTo(new ContactRequest(customerId!, channel!, offer, category));
        CustomerContext.RequireWhatRulesNeed(fields, compiled.ContactPolicy, request);
        return fields.HasErrors ? null : request;
    }

    // Allowed decisions are shared and carry nothing specific: their bodies are too.
    private static DecisionBody Body(ContactDecision decision) =>
        decision.IsAllowed ? decision.IsExempt ? AllowedExemptBody : AllowedBody : Describe(decision);

    private static DecisionBody Describe(ContactDecision decision)
    {
        RuleDenial? reason = decision.Reason;
        if (reason?.Kind == RuleKind.LedgerUnavailable)
        {
            // No rule denied: the ledger did not answer (ContactGate:WhenLedgerUnavailable = Deny). No line to cite.
            return new DecisionBody(false, "ledgerUnavailable", reason.RuleDescription, null, null, null, null, null, decision.RetryAt, null, null, null, decision.ToString(), []);
        }

        return new DecisionBody(
            decision.IsExempt,
            reason is null ? null : Kind(reason.Kind),
            reason?.RuleDescription,
            reason?.Source.File,
            reason?.Source.Line,
            reason?.Source.Text,
            reason?.CurrentCount,
            reason?.Cap,
            decision.RetryAt,
            reason?.EventAt,
            reason?.EarlierOffer,
            reason?.EarlierAt,
            decision.ToString(),
            [.. decision.Denials.Select(d => new DenialBody(Kind(d.Kind), d.RuleDescription, d.Source.File, d.Source.Line, d.Source.Text, d.CurrentCount, d.Cap, d.RetryAt, d.EventAt, d.EarlierOffer, d.EarlierAt))]);
    }

    private static string Kind(RuleKind kind) => kind switch
    {
        RuleKind.Limit => "limit",
        RuleKind.Capacity => "capacity",
        RuleKind.Exclusion => "exclusion",
        RuleKind.Consent => "consent",
        RuleKind.Quiet => "quiet",
        RuleKind.LedgerUnavailable => "ledgerUnavailable",
        _ => "cooldown",
    };
}
