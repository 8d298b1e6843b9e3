using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>
/// A <see cref="ContactGate"/> whose every decision is counted and timed
/// (<see cref="ContactGateMetrics"/>), whose denials are logged, and whose ledger failures are
/// logged and counted — those that propagate and those the gate decided around
/// (<see cref="ContactGate.WhenLedgerUnavailable"/>). What apps inject, and what <c>ownerc serve</c> calls.
/// </summary>
public sealed class ObservedContactGate
{
    private readonly ContactGateMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Observes <paramref name="gate"/>.</summary>
    public ObservedContactGate(ContactGate gate, ContactGateMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        Gate = gate;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The gate.</summary>
    public ContactGate Gate { get; }

    /// <summary>The policy's name, the <c>policy</c> tag of every metric.</summary>
    public string PolicyName => Gate.Policy.PolicyName;

    /// <summary><see cref="ContactGate.Check"/>, observed.</summary>
    public ContactDecision Check(ContactRequest request)
    {
        long start = Stopwatch.GetTimestamp();
        ContactDecision decision = Ledger("check", () => Gate.Check(request));
        Decided("check", request, decision, start);
        return decision;
    }

    /// <summary><see cref="ContactGate.TryReserve"/>, observed.</summary>
    public ReservationResult TryReserve(ContactRequest request, string idempotencyKey, TimeSpan? holdFor = null)
    {
        long start = Stopwatch.GetTimestamp();
        ReservationResult result = Ledger("reserve", () => Gate.TryReserve(request, idempotencyKey, holdFor));
        Decided("reserve", request, result.Decision, start);
        return result;
    }

    /// <summary><see cref="ContactGate.Commit"/>, with ledger failures logged and counted.</summary>
    public CommitOutcome Commit(Reservation reservation) => Ledger("commit", () => Gate.Commit(reservation));

    /// <summary><see cref="ContactGate.Release"/>, with ledger failures logged and counted.</summary>
    public bool Release(Reservation reservation) => Ledger("release", () => Gate.Release(reservation));

    /// <summary><see cref="ContactGate.RecordEvent"/>, with ledger failures logged and counted.</summary>
    public void RecordEvent(string customerId, string eventName, DateTimeOffset? at = null) =>
        Ledger("event", () =>
        {
            Gate.RecordEvent(customerId, eventName, at);
            return true;
        });

    /// <summary><see cref="ContactGate.RankOffers(ContactRequest, IEnumerable{OfferCandidate})"/>, timed, with ledger failures logged and counted.</summary>
    public IReadOnlyList<RankedOffer> RankOffers(Func<ContactGate, IReadOnlyList<RankedOffer>> rank)
    {
        ArgumentNullException.ThrowIfNull(rank);
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<RankedOffer> ranked = Ledger("rank", () => rank(Gate));
        if (ranked.Select(r => r.Decision?.LedgerFailure).FirstOrDefault(f => f is not null) is { } failure)
        {
            LedgerFailed("rank", failure);
        }

        _metrics.Decision(PolicyName, "rank", ranked.Any(r => r.IsAllowed) ? "allowed" : "denied", Stopwatch.GetElapsedTime(start));
        return ranked;
    }

    private void Decided(string operation, ContactRequest request, ContactDecision decision, long start)
    {
        if (decision.LedgerFailure is { } failure)
        {
            // The gate decided without the ledger (ContactGate.WhenLedgerUnavailable): still a ledger error.
            LedgerFailed(operation, failure);
        }

        string outcome = decision.IsExempt ? "exempt" : decision.IsAllowed ? "allowed" : "denied";
        _metrics.Decision(PolicyName, operation, outcome, Stopwatch.GetElapsedTime(start));
        if (!decision.IsAllowed && _logger.IsEnabled(LogLevel.Information))
        {
            ContactGateLog.Denied(_logger, PolicyName, operation, request.CustomerId, request.Channel, request.Offer, decision.Reason?.ToString() ?? "");
        }
    }

    private T Ledger<T>(string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            // Bad arguments are the caller's mistake; anything else came from the ledger's storage.
            LedgerFailed(operation, e);
            throw;
        }
    }

    private void LedgerFailed(string operation, Exception failure)
    {
        _metrics.LedgerError(PolicyName, operation);
        ContactGateLog.LedgerError(_logger, failure, PolicyName, operation);
    }
}
