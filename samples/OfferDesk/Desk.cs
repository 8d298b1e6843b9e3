using System.Globalization;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OfferDesk.Policies;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

namespace OfferDesk;

/// <summary>
/// A customer as the desk knows it: the record the policy reads, the household the customer shares
/// (null: a household of one) and the channels the customer consented to.
/// </summary>
public sealed record DeskCustomer(string Id, Policy.Customer Record, string? HouseholdId, IReadOnlyList<Policy.Channel> Consents);

/// <summary>
/// One offer a product manager wants to send, at a time after the start of the run; to the run's
/// customer, or to <paramref name="Customer"/> when it names one.
/// </summary>
public sealed record Proposal(TimeSpan At, Policy.Offer Offer, Policy.Channel Channel, DeskCustomer? Customer = null);

/// <summary>What the desk decided for one proposal: <paramref name="DeniedBy"/> is the kind of rule the gate reported, if it denied it.</summary>
public sealed record Decision(Proposal Proposal, DeskCustomer Customer, DateTimeOffset At, string Sponsor, bool Sent, string Explanation, RuleKind? DeniedBy = null);

/// <summary>The outcome of a run: every decision, in order.</summary>
public sealed record DeskReport(IReadOnlyList<Decision> Decisions)
{
    public int Proposed => Decisions.Count;

    public int Sent => Decisions.Count(d => d.Sent);
}

/// <summary>A short story that ends in the denial of one contact rule of language v2.</summary>
public sealed record RuleScene(string Title, IReadOnlyList<Proposal> Proposals);

/// <summary>
/// The offer desk: every offer a product manager proposes for a customer goes through the
/// policy generated from offer-desk-bank.owner. An offer goes out only when it targets the
/// customer, the customer's accountable owner approved it, and the contact rules (limits,
/// capacities, cool-downs, exclusions, consent, quiet hours) allow it; the contact is reserved
/// and committed in the ledger, so the next proposal sees it.
/// </summary>
public static class Desk
{
    /// <summary>The customer of the story: an everyday customer who agreed to be called.</summary>
    public static DeskCustomer StoryCustomer { get; } = new("customer-1042", new Policy.Customer(12_500m), null, [Policy.Channel.Telemarketing]);

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
    /// After the story (from Monday 5 April 2027, days counted from the run's start, 1 March), one
    /// scene per contact rule of language v2, each ending in that rule's denial. Every scene has
    /// customers of its own, so no other rule gets in the way.
    /// </summary>
    public static IReadOnlyList<RuleScene> OneDenialPerRule { get; } = Scenes();

    /// <summary>
    /// Decides every proposal for one customer, in order, against the ledger. The clock is
    /// moved to each proposal's time (a simulation of three weeks, not a real wait).
    /// </summary>
    public static DeskReport Run(
        IContactLedger ledger,
        DeskCustomer customer,
        IReadOnlyList<Proposal> proposals,
        DateTimeOffset start,
        TimeZoneInfo zone,
        TextWriter? log = null)
    {
        var clock = new SimulatedClock(start);
        using var metrics = new ContactGateMetrics();
        var gate = new ObservedContactGate(Policy.CreateGate(ledger, clock, zone), metrics, NullLogger.Instance);
        return Run(gate, clock, customer, proposals, start, log);
    }

    /// <summary>
    /// Decides every proposal with a gate from the host's services (<c>AddContactGate</c>), whose
    /// clock is <paramref name="clock"/>: the desk moves it to each proposal's time.
    /// </summary>
    public static DeskReport Run(
        ObservedContactGate gate,
        SimulatedClock clock,
        DeskCustomer customer,
        IReadOnlyList<Proposal> proposals,
        DateTimeOffset start,
        TextWriter? log = null)
    {
        log?.WriteLine($"Customer {customer.Id}: segments {string.Join(", ", Policy.SegmentsOf(customer.Record).Select(Policy.NameOf))}; " +
            $"accountable at {Policy.NameOf(Stage)}: {(Policy.AccountableOwner(customer.Record, Stage) is { } owner ? Policy.NameOf(owner) : "nobody")}");
        log?.WriteLine();

        var decisions = new List<Decision>(proposals.Count);
        for (int i = 0; i < proposals.Count; i++)
        {
            Decision decision = Decide(gate, clock, start, proposals[i] with { Customer = proposals[i].Customer ?? customer }, $"proposal-{i + 1}");
            decisions.Add(decision);
            Write(log, i + 1, decision, withCustomer: false);
        }

        var report = new DeskReport(decisions);
        ContactLimit? offersCap = Policy.ContactPolicy.Limits.FirstOrDefault(l => l.Scope == LimitScope.Offers && !l.PerHousehold);
        log?.WriteLine();
        log?.WriteLine($"{report.Proposed} offers proposed by {decisions.Select(d => d.Sponsor).Distinct().Count()} product managers, {report.Sent} sent, {report.Proposed - report.Sent} held back.");
        if (offersCap is not null)
        {
            log?.WriteLine($"The policy allows {offersCap.Description} ({offersCap.Source}).");
        }

        return report;
    }

    /// <summary>
    /// Plays the scenes in order on the same gate and clock (each proposal names its customer):
    /// the decisions of every scene, one report.
    /// </summary>
    public static DeskReport RunScenes(
        ObservedContactGate gate,
        SimulatedClock clock,
        IReadOnlyList<RuleScene> scenes,
        DateTimeOffset start,
        TextWriter? log = null)
    {
        var decisions = new List<Decision>();
        log?.WriteLine();
        log?.WriteLine("The contact rules of language v2, one denial each:");
        for (int s = 0; s < scenes.Count; s++)
        {
            log?.WriteLine();
            log?.WriteLine(scenes[s].Title);
            for (int i = 0; i < scenes[s].Proposals.Count; i++)
            {
                Proposal proposal = scenes[s].Proposals[i];
                if (proposal.Customer is null)
                {
                    throw new ArgumentException($"Scene '{scenes[s].Title}': proposal {i + 1} names no customer.", nameof(scenes));
                }

                if (start + proposal.At < clock.Now)
                {
                    // A real clock never goes back; the ledger's holds and windows assume it does not.
                    throw new ArgumentException($"Scene '{scenes[s].Title}': proposal {i + 1} is earlier than the one before it.", nameof(scenes));
                }

                Decision decision = Decide(gate, clock, start, proposal, $"scene-{s + 1}-{i + 1}");
                decisions.Add(decision);
                Write(log, i + 1, decision, withCustomer: true);
            }
        }

        return new DeskReport(decisions);
    }

    /// <summary>The one lifecycle stage of the policy.</summary>
    private static Policy.Stage Stage => Policy.Stage.Active;

    /// <summary>
    /// One proposal (whose customer is set) through targeting, approval and the gate, on the
    /// clock moved to its time; the contact is committed when the gate allows it.
    /// </summary>
    private static Decision Decide(ObservedContactGate gate, SimulatedClock clock, DateTimeOffset start, Proposal proposal, string key)
    {
        DeskCustomer customer = proposal.Customer!;
        clock.Now = start + proposal.At;
        OfferDefinition definition = Policy.DefinitionOf(proposal.Offer);
        if (!Policy.Targets(proposal.Offer, customer.Record, Stage))
        {
            return new(proposal, customer, clock.Now, definition.Sponsor, false, "held back: the offer does not target this customer at this stage");
        }

        if (!Policy.IsApproved(proposal.Offer, customer.Record, Stage))
        {
            return new(proposal, customer, clock.Now, definition.Sponsor, false, "held back: the customer's accountable owner has not approved this offer");
        }

        // The request carries what the v2 rules read: segments and stage (scoped limits), household, consents.
        ContactRequest request = Policy.CreateRequest(customer.Id, customer.Record, Stage, proposal.Channel, proposal.Offer,
            householdId: customer.HouseholdId, consents: customer.Consents);
        ReservationResult reservation = gate.TryReserve(request, $"{customer.Id}/{key}");
        if (reservation.IsRepeat)
        {
            // Another desk sharing the ledger (or an earlier run) already holds or sent this very contact.
            return new(proposal, customer, clock.Now, definition.Sponsor, false, "held back: this proposal was already made (same idempotency key in the shared ledger)");
        }

        if (reservation.Reservation is { } held)
        {
            CommitOutcome outcome = gate.Commit(held);
            return outcome == CommitOutcome.Committed
                ? new(proposal, customer, clock.Now, definition.Sponsor, true, "sent")
                : new(proposal, customer, clock.Now, definition.Sponsor, false, $"held back: allowed, but the reservation was not committed ({outcome})");
        }

        return new(proposal, customer, clock.Now, definition.Sponsor, false, "held back: " + reservation.Decision, reservation.Decision.Kind);
    }

    /// <summary>One decision: a line (with the customer when a scene has several), and why when it was held back.</summary>
    private static void Write(TextWriter? log, int number, Decision decision, bool withCustomer)
    {
        log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{number,2}. {decision.At:yyyy-MM-dd HH:mm}  {(withCustomer ? $"{decision.Customer.Id,-13}  " : "")}{Policy.NameOf(decision.Proposal.Offer),-13} via {Policy.NameOf(decision.Proposal.Channel),-13} from {decision.Sponsor,-23} {(decision.Sent ? "SENT" : "----")}"));
        if (!decision.Sent)
        {
            log?.WriteLine("      " + decision.Explanation);
        }
    }

    private static IReadOnlyList<RuleScene> Scenes()
    {
        Policy.Customer everyday = new(12_500m);
        Policy.Customer wealth = new(80_000m);
        IReadOnlyList<Policy.Channel> calls = [Policy.Channel.Telemarketing];
        var lending = new DeskCustomer("customer-2001", everyday, null, calls);
        var wealthy = new DeskCustomer("customer-2002", wealth, null, calls);
        var everydayLetters = new DeskCustomer("customer-2003", everyday, null, calls);
        var partnerA = new DeskCustomer("customer-2004", everyday, "household-17", calls);
        var partnerB = new DeskCustomer("customer-2005", everyday, "household-17", calls);
        var remortgaged = new DeskCustomer("customer-2006", everyday, null, calls);
        var noCalls = new DeskCustomer("customer-2007", everyday, null, []);
        var evening = new DeskCustomer("customer-2008", everyday, null, calls);

        // One scene after the other, on a clock that only moves forward: 2027-04-05 is day 35, a Monday.
        return
        [
            new("Lending group: a personal loan, then a remortgage a week later (one lending offer a quarter)",
            [
                new(Day(35, 10), Policy.Offer.PersonalLoan, Policy.Channel.Email, lending),
                new(Day(42, 14), Policy.Offer.Remortgage, Policy.Channel.Email, lending),
            ]),
            new("Scoped limit: in May an everyday customer gets two letters, a wealth customer one",
            [
                new(Day(63, 10), Policy.Offer.SaverPlus, Policy.Channel.DirectMail, everydayLetters),
                new(Day(63, 11), Policy.Offer.SaverPlus, Policy.Channel.DirectMail, wealthy),
                new(Day(64, 10), Policy.Offer.PlatinumCard, Policy.Channel.DirectMail, everydayLetters),
                new(Day(64, 11), Policy.Offer.PlatinumCard, Policy.Channel.DirectMail, wealthy),
            ]),
            new("Household limit: two customers of household-17 share four offers a month",
            [
                new(Day(70, 10), Policy.Offer.PlatinumCard, Policy.Channel.Email, partnerA),
                new(Day(70, 11), Policy.Offer.PlatinumCard, Policy.Channel.Email, partnerB),
                new(Day(71, 10), Policy.Offer.SaverPlus, Policy.Channel.DirectMail, partnerA),
                new(Day(71, 11), Policy.Offer.SaverPlus, Policy.Channel.DirectMail, partnerB),
                new(Day(72, 10), Policy.Offer.PersonalLoan, Policy.Channel.DirectMail, partnerA),
            ]),
            new("Exclusion: no home insurance call within 60 days after a remortgage offer",
            [
                new(Day(77, 10), Policy.Offer.Remortgage, Policy.Channel.Email, remortgaged),
                new(Day(80, 11), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing, remortgaged),
            ]),
            new("Consent: a customer who never agreed to calls gets the remortgage by email instead",
            [
                new(Day(84, 10), Policy.Offer.Remortgage, Policy.Channel.Telemarketing, noCalls),
                new(Day(84, 11), Policy.Offer.Remortgage, Policy.Channel.Email, noCalls),
            ]),
            new("Quiet hours: a call on Saturday evening waits for Monday morning",
            [
                new(Day(89, 20) + TimeSpan.FromMinutes(30), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing, evening),
                new(Day(91, 9), Policy.Offer.HomeInsurance, Policy.Channel.Telemarketing, evening),
            ]),
        ];
    }

    private static TimeSpan Day(int day, int hour) => TimeSpan.FromDays(day) + TimeSpan.FromHours(hour);
}

/// <summary>A clock the desk moves forward itself, to replay three weeks in a moment.</summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
