using System.Globalization;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OfferDesk.Policies;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

namespace OfferDesk;

/// <summary>One offer a product manager wants to send, at a time after the start of the run.</summary>
public sealed record Proposal(TimeSpan At, Policy.Offer Offer, Policy.Channel Channel);

/// <summary>What the desk decided for one proposal.</summary>
public sealed record Decision(Proposal Proposal, DateTimeOffset At, string Sponsor, bool Sent, string Explanation);

/// <summary>The outcome of a run: every decision, in order.</summary>
public sealed record DeskReport(IReadOnlyList<Decision> Decisions)
{
    public int Proposed => Decisions.Count;

    public int Sent => Decisions.Count(d => d.Sent);
}

/// <summary>
/// The offer desk: every offer a product manager proposes for a customer goes through the
/// policy generated from offer-desk-bank.owner. An offer goes out only when it targets the
/// customer, the customer's accountable owner approved it, and the contact rules (limits,
/// capacities, cool-downs) allow it; the contact is reserved and committed in the ledger, so
/// the next proposal sees it.
/// </summary>
public static class Desk
{
    /// <summary>The story: 17 offers from four product managers to one customer in three weeks.</summary>
    public static IReadOnlyList<Proposal> SeventeenOffersInThreeWeeks { get; } =
    [
        new(Day(0, 9), Policy.Offer.PlatinumCard, Policy.Channel.Email),
        new(Day(1, 10), Policy.Offer.Remortgage, Policy.Channel.Email),
        new(Day(1, 14), Policy.Offer.Remortgage, Policy.Channel.Telemarketing),
        new(Day(2, 9), Policy.Offer.SaverPlus, Policy.Channel.DirectMail),
        new(Day(3, 11), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing),
        new(Day(4, 9), Policy.Offer.PlatinumCard, Policy.Channel.DirectMail),
        new(Day(5, 16), Policy.Offer.SaverPlus, Policy.Channel.Email),
        new(Day(7, 10), Policy.Offer.Remortgage, Policy.Channel.Email),
        new(Day(8, 12), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing),
        new(Day(9, 9), Policy.Offer.PlatinumCard, Policy.Channel.Telemarketing),
        new(Day(10, 15), Policy.Offer.SaverPlus, Policy.Channel.DirectMail),
        new(Day(12, 9), Policy.Offer.Remortgage, Policy.Channel.Telemarketing),
        new(Day(14, 10), Policy.Offer.PlatinumCard, Policy.Channel.Email),
        new(Day(15, 11), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing),
        new(Day(17, 9), Policy.Offer.SaverPlus, Policy.Channel.Email),
        new(Day(19, 14), Policy.Offer.Remortgage, Policy.Channel.Email),
        new(Day(20, 10), Policy.Offer.PlatinumCard, Policy.Channel.DirectMail),
    ];

    /// <summary>
    /// Decides every proposal for one customer, in order, against the ledger. The clock is
    /// moved to each proposal's time (a simulation of three weeks, not a real wait).
    /// </summary>
    public static DeskReport Run(
        IContactLedger ledger,
        string customerId,
        Policy.Customer customer,
        IReadOnlyList<Proposal> proposals,
        DateTimeOffset start,
        TimeZoneInfo zone,
        TextWriter? log = null)
    {
        var clock = new SimulatedClock(start);
        using var metrics = new ContactGateMetrics();
        var gate = new ObservedContactGate(Policy.CreateGate(ledger, clock, zone), metrics, NullLogger.Instance);
        return Run(gate, clock, customerId, customer, proposals, start, log);
    }

    /// <summary>
    /// Decides every proposal with a gate from the host's services (<c>AddContactGate</c>), whose
    /// clock is <paramref name="clock"/>: the desk moves it to each proposal's time.
    /// </summary>
    public static DeskReport Run(
        ObservedContactGate gate,
        SimulatedClock clock,
        string customerId,
        Policy.Customer customer,
        IReadOnlyList<Proposal> proposals,
        DateTimeOffset start,
        TextWriter? log = null)
    {
        Policy.Stage stage = Policy.Stage.Active;
        var decisions = new List<Decision>(proposals.Count);

        log?.WriteLine($"Customer {customerId}: segments {string.Join(", ", Policy.SegmentsOf(customer).Select(Policy.NameOf))}; " +
            $"accountable at {Policy.NameOf(stage)}: {(Policy.AccountableOwner(customer, stage) is { } owner ? Policy.NameOf(owner) : "nobody")}");
        log?.WriteLine();

        for (int i = 0; i < proposals.Count; i++)
        {
            Proposal proposal = proposals[i];
            clock.Now = start + proposal.At;
            OfferDefinition definition = Policy.DefinitionOf(proposal.Offer);
            string explanation;
            bool sent = false;
            if (!Policy.Targets(proposal.Offer, customer, stage))
            {
                explanation = "held back: the offer does not target this customer at this stage";
            }
            else if (!Policy.IsApproved(proposal.Offer, customer, stage))
            {
                explanation = "held back: the customer's accountable owner has not approved this offer";
            }
            else
            {
                ContactRequest request = Policy.CreateRequest(customerId, proposal.Channel, proposal.Offer);
                ReservationResult reservation = gate.TryReserve(request, $"{customerId}/proposal-{i + 1}");
                if (reservation.IsRepeat)
                {
                    // Another desk sharing the ledger (or an earlier run) already holds or sent this very contact.
                    explanation = "held back: this proposal was already made (same idempotency key in the shared ledger)";
                }
                else if (reservation.Reservation is { } held && gate.Commit(held) == CommitOutcome.Committed)
                {
                    sent = true;
                    explanation = "sent";
                }
                else
                {
                    explanation = "held back: " + reservation.Decision;
                }
            }

            var decision = new Decision(proposal, clock.Now, definition.Sponsor, sent, explanation);
            decisions.Add(decision);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,2}. {decision.At:yyyy-MM-dd HH:mm}  {Policy.NameOf(proposal.Offer),-13} via {Policy.NameOf(proposal.Channel),-13} from {decision.Sponsor,-23} {(sent ? "SENT" : "----")}"));
            if (!sent)
            {
                log?.WriteLine("      " + explanation);
            }
        }

        var report = new DeskReport(decisions);
        ContactLimit? offersCap = Policy.ContactPolicy.Limits.FirstOrDefault(l => l.Scope == LimitScope.Offers);
        log?.WriteLine();
        log?.WriteLine($"{report.Proposed} offers proposed by {decisions.Select(d => d.Sponsor).Distinct().Count()} product managers, {report.Sent} sent, {report.Proposed - report.Sent} held back.");
        if (offersCap is not null)
        {
            log?.WriteLine($"The policy allows {offersCap.Description} ({offersCap.Source}).");
        }

        return report;
    }

    private static TimeSpan Day(int day, int hour) => TimeSpan.FromDays(day) + TimeSpan.FromHours(hour);

}

/// <summary>A clock the desk moves forward itself, to replay three weeks in a moment.</summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
    {
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
