using AccountabilityDsl.Runtime;
using BenchmarkDotNet.Attributes;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// The cost of one gate decision (<see cref="ContactGate.Check"/>, in memory) as policies grow the language-v2
/// contact rules. Baseline: today's 3-limit policy (offers, a channel, contacts) for a customer with no contacts.
/// Compared in the same run: a policy of 20 limits across groups, segment and stage scopes and households, plus
/// two never rules, consent and quiet hours (target: at most 2× the baseline), for a customer with no contacts and
/// for one with 100 prior contacts within the windows (target: at most 2× the customer with none).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeBenchmarkConfig))]
public class ContactPolicyBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private ContactGate _threeLimits = null!;
    private ContactGate _twentyLimits = null!;
    private ContactRequest _fresh = null!;
    private ContactRequest _busy = null!;
    private ContactRequest _plainFresh = null!;

    [GlobalSetup]
    public void Setup()
    {
        var clock = new FixedClock(Now);
        SourceLine Line(int n) => new("bench.owner", n, "");
        ContactLimit Limit(LimitScope scope, int max, int days, int line) => new(scope, max, new TimeWindow(days, TimeUnit.Day), Line(line));

        var three = new ContactPolicy("three", "bench.owner", limits:
        [
            Limit(LimitScope.Offers, 3, 365, 1),
            Limit(LimitScope.Channel("Email"), 1, 1, 2),
            Limit(LimitScope.Contacts, 200, 365, 3),
        ]);
        string[] lending = ["BoatLoan", "Remortgage", "PlatinumCard"];
        string[] saving = ["Saver", "Isa"];
        var twenty = new ContactPolicy("twenty", "bench.owner",
            limits:
            [
                Limit(LimitScope.Offers, 300, 365, 1),
                Limit(LimitScope.Channel("Email"), 200, 30, 2),
                Limit(LimitScope.Contacts, 400, 365, 3),
                Limit(LimitScope.Group("Lending", lending), 200, 90, 4),
                Limit(LimitScope.Group("Saving", saving), 200, 90, 5),
                Limit(LimitScope.Offer("BoatLoan"), 200, 30, 6),
                Limit(LimitScope.Offers, 300, 30, 7) with { Segments = ["Affluent"] },
                Limit(LimitScope.Offers, 300, 30, 8) with { Segments = ["MassMarket"] },
                Limit(LimitScope.Contacts, 300, 7, 9) with { Stages = ["Onboarding"] },
                Limit(LimitScope.Channel("Email"), 400, 30, 10) with { Segments = ["Affluent"], Stages = ["Active"] },
                Limit(LimitScope.Offers, 400, 30, 11) with { PerHousehold = true },
                Limit(LimitScope.Contacts, 500, 30, 12) with { PerHousehold = true },
                Limit(LimitScope.Group("Lending", lending), 300, 30, 13) with { PerHousehold = true },
                Limit(LimitScope.Channel("Phone"), 100, 7, 14),
                Limit(LimitScope.Channel("Sms"), 100, 7, 15),
                Limit(LimitScope.Offer("Remortgage"), 200, 90, 16),
                Limit(LimitScope.Offer("Saver"), 200, 90, 17),
                Limit(LimitScope.Group("Saving", saving), 300, 30, 18) with { Segments = ["Affluent"] },
                Limit(LimitScope.Offers, 400, 60, 19) with { Stages = ["Active", "Retention"] },
                Limit(LimitScope.Channel("Email"), 400, 365, 20) with { PerHousehold = true },
            ],
            exclusions:
            [
                new OfferExclusion(["BoatLoan"], false, ["Remortgage"], new TimeWindow(30, TimeUnit.Day), Line(21), "never BoatLoan with Remortgage within 30 days"),
                new OfferExclusion(["Remortgage"], true, ["PlatinumCard"], new TimeWindow(90, TimeUnit.Day), Line(22), "never Remortgage after PlatinumCard within 90 days"),
            ],
            consents: [new ConsentRequirement("Phone", Line(23))],
            quietPeriods: [new QuietPeriod("Phone", [(TimeSpan.FromHours(20), TimeSpan.FromHours(9))], [DayOfWeek.Sunday], Line(24), "quiet Phone 20:00..09:00, Sunday")]);

        _threeLimits = new ContactGate(three, new InMemoryContactLedger(), clock, TimeZoneInfo.Utc);
        _twentyLimits = new ContactGate(twenty, new InMemoryContactLedger(), clock, TimeZoneInfo.Utc);
        _plainFresh = new ContactRequest("fresh", "Email", "BoatLoan");
        _fresh = new ContactRequest("fresh", "Email", "BoatLoan") { Segments = ["Affluent"], Stage = "Active", HouseholdId = "h-fresh" };
        _busy = _fresh with { CustomerId = "busy", HouseholdId = "h-busy" };

        // 100 earlier contacts of the busy customer within every window (the last 100 hours), none blocking.
        var history = new FixedClock(Now);
        var writer = new ContactGate(twenty, _twentyLimits.Ledger, history, TimeZoneInfo.Utc);
        for (var i = 0; i < 100; i++)
        {
            history.Now = Now - TimeSpan.FromHours(100 - i);
            var request = _busy with { Channel = i % 2 == 0 ? "Email" : "Sms", Offer = i % 3 == 0 ? "Saver" : i % 3 == 1 ? "Isa" : null };
            var result = writer.TryReserve(request, "h" + i);
            if (result.Reservation is null || writer.Commit(result.Reservation) != CommitOutcome.Committed)
            {
                throw new InvalidOperationException($"history contact {i} was refused: {result.Decision}");
            }
        }
        if (!_twentyLimits.Check(_busy).IsAllowed || !_twentyLimits.Check(_fresh).IsAllowed || !_threeLimits.Check(_plainFresh).IsAllowed)
        {
            throw new InvalidOperationException("the benchmark requests must be allowed");
        }
    }

    [Benchmark(Baseline = true, Description = "3 limits, no prior contacts")]
    public bool ThreeLimits() => _threeLimits.Check(_plainFresh).IsAllowed;

    [Benchmark(Description = "20 limits (groups, scopes, households, never), no prior contacts")]
    public bool TwentyLimits() => _twentyLimits.Check(_fresh).IsAllowed;

    [Benchmark(Description = "20 limits, 100 prior contacts")]
    public bool TwentyLimitsBusyCustomer() => _twentyLimits.Check(_busy).IsAllowed;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
