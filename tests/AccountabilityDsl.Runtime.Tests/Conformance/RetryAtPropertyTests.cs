using AccountabilityDsl.Runtime;
using CsCheck;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// <see cref="ContactDecision.RetryAt"/> is exactly the first instant at which the same request is allowed, for every
/// window kind, zone and DST boundary: a property test searches for the first allowed tick and compares.
/// </summary>
public abstract partial class LedgerConformanceTests
{
    private static readonly string[] DstZones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "America/Havana", "Asia/Kathmandu"];

    private static readonly TimeWindow[] Windows =
    [
        new(1, TimeUnit.Month), new(2, TimeUnit.Month), new(12, TimeUnit.Month), new(1, TimeUnit.Year),
        new(1, TimeUnit.Day), new(1, TimeUnit.Week),
        new(1, TimeUnit.Day, true), new(2, TimeUnit.Day, true), new(1, TimeUnit.Week, true), new(1, TimeUnit.Month, true), new(1, TimeUnit.Year, true),
    ];

    /// <summary>The instants in 2026–2028 at which <paramref name="zone"/> changes its offset.</summary>
    private static long[] Transitions(TimeZoneInfo zone)
    {
        var list = new List<long>();
        var t = T.Utc(2026, 1, 1).UtcTicks;
        var end = T.Utc(2029, 1, 1).UtcTicks;
        var offset = zone.GetUtcOffset(new DateTime(t, DateTimeKind.Utc));
        for (; t < end; t += TimeSpan.TicksPerHour / 4)
        {
            var next = zone.GetUtcOffset(new DateTime(t, DateTimeKind.Utc));
            if (next != offset)
            {
                list.Add(t);
                offset = next;
            }
        }
        return [.. list];
    }

    [Fact]
    public void RetryAt_is_the_first_allowed_instant_for_every_window_zone_and_DST_boundary()
    {
        var zones = DstZones.Select(TimeZoneInfo.FindSystemTimeZoneById).ToArray();
        var transitions = zones.Select(Transitions).ToArray();
        var gen =
            from zone in Gen.Int[0, zones.Length - 1]
            from window in Gen.Int[0, Windows.Length - 1]
            from pick in Gen.Int[0, 1000]
            from nearAnniversary in Gen.Bool
            from minutes in Gen.Int[-180, 180]
            select (zone, window, pick, nearAnniversary, minutes);
        gen.Sample(c =>
        {
            var zone = zones[c.zone];
            var window = Windows[c.window];
            var near = transitions[c.zone].Length == 0 ? T.Utc(2026, 10, 25, 1).UtcTicks : transitions[c.zone][c.pick % transitions[c.zone].Length];
            var target = new DateTimeOffset(near, TimeSpan.Zero).AddMinutes(c.minutes);
            // Either the contact itself is near a transition, or its anniversary is (the contact one window earlier).
            var pivot = c.nearAnniversary ? ShiftBack(zone, target, window) : target;
            var (gate, clock) = Gate(T.Policy(limits: [new ContactLimit(LimitScope.Contacts, 1, window, T.Line(3))]), zone, pivot);
            gate.Commit(gate.TryReserve(new ContactRequest("c1", "sms"), "k").Reservation!).ShouldBe(CommitOutcome.Committed);
            var retry = gate.Check(new ContactRequest("c1", "sms")).RetryAt.ShouldNotBeNull();
            var first = FirstAllowedTick(gate, clock, pivot, retry);
            first.ShouldBe(retry, $"{zone.Id} {window}: contact at {pivot:O} ({TimeZoneInfo.ConvertTime(pivot, zone):O}), RetryAt {retry:O}");
        }, iter: 150);
    }

    private static DateTimeOffset ShiftBack(TimeZoneInfo zone, DateTimeOffset at, TimeWindow window)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        local = window.Unit switch
        {
            TimeUnit.Day => local.AddDays(-window.Count),
            TimeUnit.Week => local.AddDays(-7 * window.Count),
            TimeUnit.Month => local.AddMonths(-window.Count),
            _ => local.AddYears(-window.Count),
        };
        return at - (TimeZoneInfo.ConvertTime(at, zone).DateTime - local);
    }

    /// <summary>
    /// Searches the first instant at which the request is allowed: hour steps over the three days before
    /// <paramref name="hint"/> (and a day after), then minutes, then ticks (binary search within the minute).
    /// </summary>
    private static DateTimeOffset FirstAllowedTick(ContactGate gate, ManualClock clock, DateTimeOffset pivot, DateTimeOffset hint)
    {
        bool Allowed(DateTimeOffset at)
        {
            clock.Now = at;
            return gate.Check(new ContactRequest("c1", "sms")).IsAllowed;
        }
        var lo = hint.AddDays(-3) < pivot ? pivot : hint.AddDays(-3);
        Allowed(lo).ShouldBeFalse($"still denied three days before the retry ({lo:O})");
        var hour = lo;
        while (!Allowed(hour.AddHours(1)))
        {
            hour = hour.AddHours(1);
            hour.ShouldBeLessThan(hint.AddDays(1), "allowed within a day after RetryAt");
        }
        var minute = hour;
        while (!Allowed(minute.AddMinutes(1)))
        {
            minute = minute.AddMinutes(1);
        }
        return T.FirstAllowedTick(minute.UtcTicks, minute.AddMinutes(1).UtcTicks, Allowed);
    }
}
