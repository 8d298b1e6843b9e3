using AccountabilityDsl.Runtime;
using CsCheck;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// A deliberately slow, obviously correct reading of the contact rules of <see cref="Policy"/>: every rule is a
/// linear scan over every contact made so far, written from docs/runtime.md without any code of the gate. The
/// property test replays random contact streams through a gate and through this, and requires the same decisions.
/// </summary>
internal sealed class ContactPolicyReference(TimeZoneInfo zone)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly List<Made> _contacts = [];

    /// <summary>
    /// The policy both implementations enforce: a group limit, a household limit, a segment-scoped and a
    /// stage-scoped limit, a never-with and a never-after rule, a consent channel and quiet hours.
    /// </summary>
    public static ContactPolicy Policy { get; } = new(
        "reference",
        T.File,
        limits:
        [
            T.Limit(LimitScope.Group("G", ["A", "B"]), 1, 3, TimeUnit.Day, line: 1),
            T.Limit(LimitScope.Offers, 2, 5, TimeUnit.Day, line: 2) with { PerHousehold = true },
            T.Limit(LimitScope.Contacts, 2, 2, TimeUnit.Day, line: 3) with { Segments = ["X"] },
            T.Limit(LimitScope.Channel("Phone"), 1, 1, TimeUnit.Day, line: 4) with { Stages = ["Active"] },
        ],
        exemptCategories: ["transactional"],
        exclusions:
        [
            new OfferExclusion(["A"], false, ["C"], new TimeWindow(2, TimeUnit.Day), T.Line(5), "never A with C within 2 days"),
            new OfferExclusion(["B"], true, ["A"], new TimeWindow(4, TimeUnit.Day), T.Line(6), "never B after A within 4 days"),
        ],
        consents: [new ConsentRequirement("Phone", T.Line(7))],
        quietPeriods: [new QuietPeriod("Phone", [(TimeSpan.FromHours(22), TimeSpan.FromHours(6))], [DayOfWeek.Sunday], T.Line(8), "quiet Phone 22:00..06:00, Sunday")]);

    private sealed record Made(string Customer, string? Household, string Channel, string? Offer, DateTimeOffset At);

    public bool Allows(ContactRequest r, DateTimeOffset now)
    {
        if (r.Category == "transactional")
        {
            return true;
        }

        bool Within(Made m, int days) => m.At > now - days * Day && m.At <= now;
        IEnumerable<Made> Own() => _contacts.Where(m => m.Customer == r.CustomerId);

        if (r.Channel == "Phone" && !(r.Consents?.Contains("Phone") ?? false))
        {
            return false;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        if (r.Channel == "Phone" && (local.DayOfWeek == DayOfWeek.Sunday || local.TimeOfDay >= TimeSpan.FromHours(22) || local.TimeOfDay < TimeSpan.FromHours(6)))
        {
            return false;
        }

        if (r.Offer is "A" or "B" && Own().Count(m => m.Offer is "A" or "B" && Within(m, 3)) >= 1)
        {
            return false;
        }

        if (r.Offer is not null)
        {
            var counted = r.HouseholdId is { } household ? _contacts.Where(m => m.Household == household) : Own();
            if (counted.Count(m => m.Offer is not null && Within(m, 5)) >= 2)
            {
                return false;
            }
        }

        if (r.Segments!.Contains("X") && Own().Count(m => Within(m, 2)) >= 2)
        {
            return false;
        }

        if (r.Channel == "Phone" && r.Stage == "Active" && Own().Count(m => m.Channel == "Phone" && Within(m, 1)) >= 1)
        {
            return false;
        }

        string[] blockers = r.Offer switch
        {
            "A" => ["C"],
            "C" => ["A"],
            _ => [],
        };
        if (Own().Any(m => blockers.Contains(m.Offer) && Within(m, 2)))
        {
            return false;
        }

        return !(r.Offer == "B" && Own().Any(m => m.Offer == "A" && Within(m, 4)));
    }

    public void Record(ContactRequest r, DateTimeOffset at)
    {
        if (r.Category != "transactional")
        {
            _contacts.Add(new Made(r.CustomerId, r.HouseholdId, r.Channel, r.Offer, at));
        }
    }

    /// <summary>One step of a stream: wait, then ask for a contact and, when allowed, commit or release it.</summary>
    public sealed record Step(int WaitMinutes, ContactRequest Request, bool Commit);

    private static readonly string[] Customers = ["c1", "c2", "c3", "c4"];

    public static Gen<Step> Steps { get; } =
        from wait in Gen.Int[0, 20 * 60]
        from customer in Gen.Int[0, Customers.Length - 1]
        from channel in Gen.Bool.Select(phone => phone ? "Phone" : "Email")
        from offer in Gen.Int[0, 3].Select(i => i == 3 ? null : new[] { "A", "B", "C" }[i])
        from inX in Gen.Bool
        from active in Gen.Bool
        from consent in Gen.Int[0, 4]
        from exempt in Gen.Int[0, 9]
        from commit in Gen.Int[0, 4]
        select new Step(
            wait,
            new ContactRequest(Customers[customer], channel, offer, exempt == 0 ? "transactional" : null)
            {
                // c1 and c2 share a household, c3 lives alone, c4's host gives no household (a household of one).
                HouseholdId = customer switch { 0 or 1 => "h1", 2 => "h2", _ => null },
                Segments = inX ? ["X", "Y"] : ["Y"],
                Stage = active ? "Active" : "Prospect",
                Consents = consent == 0 ? [] : ["Phone"],
            },
            commit != 0);
}

public abstract partial class LedgerConformanceTests
{
    /// <summary>How many random contact streams the reference property test replays (shared stores are slower per decision).</summary>
    protected virtual int ContactPolicyStreams => 150;

    [Fact]
    public void Random_contact_streams_get_the_same_decisions_from_the_gate_and_the_brute_force_reference() =>
        ContactPolicyReference.Steps.Array[1, 60].Sample(steps =>
        {
            // New York, starting the Thursday before the March change, so streams cross DST and Sundays.
            var (gate, clock) = Gate(ContactPolicyReference.Policy, T.NewYork, T.At(T.NewYork, 2026, 3, 5, 8, 0, -5));
            var reference = new ContactPolicyReference(T.NewYork);
            for (var i = 0; i < steps.Length; i++)
            {
                var step = steps[i];
                clock.Advance(TimeSpan.FromMinutes(step.WaitMinutes));
                var expected = reference.Allows(step.Request, clock.Now);
                var result = gate.TryReserve(step.Request, "k" + i);
                if (result.IsAllowed != expected)
                {
                    return false;
                }
                if (!result.IsAllowed)
                {
                    continue;
                }
                if (step.Commit)
                {
                    gate.Commit(result.Reservation!);
                    reference.Record(step.Request, clock.Now);
                }
                else
                {
                    gate.Release(result.Reservation!);
                }
            }
            return true;
        }, iter: ContactPolicyStreams);
}
