using AccountabilityDsl.Runtime;
using CsCheck;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// The <see cref="ContactDecision.RetryAt"/> of a request denied by quiet hours (alone, or with a limit that frees
/// inside them) is exactly the first instant at which the same request is allowed, in zones with DST changes: a
/// property test compares it with a minute-by-minute search driven by an independent reading of the quiet rule
/// (local time from <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/>), refined to the tick.
/// Quiet hours depend on the clock only, not on the ledger, so one ledger suffices.
/// </summary>
public sealed class QuietHoursPropertyTests
{
    private static readonly TimeZoneInfo[] Zones =
        [.. new[] { "Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "America/Havana", "Asia/Kathmandu" }.Select(TimeZoneInfo.FindSystemTimeZoneById)];

    /// <summary>The instants in 2026–2027 at which <paramref name="zone"/> changes its offset.</summary>
    private static long[] Transitions(TimeZoneInfo zone)
    {
        var list = new List<long>();
        var t = T.Utc(2026, 1, 1).UtcTicks;
        var offset = zone.GetUtcOffset(new DateTime(t, DateTimeKind.Utc));
        for (; t < T.Utc(2028, 1, 1).UtcTicks; t += TimeSpan.TicksPerMinute * 15)
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

    /// <summary>The quiet rule read directly: local time in [from, to) (past midnight when to ≤ from) or a quiet day.</summary>
    private static bool IsQuiet(DateTimeOffset at, TimeZoneInfo zone, TimeSpan from, TimeSpan to, DayOfWeek? day)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = local.TimeOfDay;
        return local.DayOfWeek == day
            || (from < to ? time >= from && time < to : time >= from || time < to);
    }

    [Fact]
    public void RetryAt_of_quiet_hours_is_the_first_allowed_instant_across_DST_changes()
    {
        var transitions = Zones.Select(Transitions).ToArray();
        var gen =
            from zone in Gen.Int[0, Zones.Length - 1]
            from pick in Gen.Int[0, 1000]
            from minutesBefore in Gen.Int[0, 36 * 60]
            from fromQuarter in Gen.Int[0, 95]
            from toQuarter in Gen.Int[0, 96]
            from day in Gen.Int[0, 9]
            from limitHoursAgo in Gen.Int[-1, 30]
            select (zone, pick, minutesBefore, fromQuarter, toQuarter, day, limitHoursAgo);
        gen.Sample(c =>
        {
            var zone = Zones[c.zone];
            // Near an offset change (Kathmandu has none: +05:45 all year).
            var near = transitions[c.zone] is { Length: > 0 } changes ? changes[c.pick % changes.Length] : T.Utc(2026, 10, 25, 1).UtcTicks;
            var now = new DateTimeOffset(near, TimeSpan.Zero).AddMinutes(-c.minutesBefore);
            var from = TimeSpan.FromMinutes(15 * c.fromQuarter);
            var to = TimeSpan.FromMinutes(15 * c.toQuarter);
            DayOfWeek? day = c.day < 7 ? (DayOfWeek)c.day : null;
            var quiet = new QuietPeriod("Phone", [(from, to)], day is { } d ? [d] : [], T.Line(9), "quiet Phone");
            // Optionally a contact some hours ago under a 1-day limit, whose retry may fall inside the quiet hours.
            var policy = new ContactPolicy("quiet", T.File, limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day, line: 8)], quietPeriods: [quiet]);
            var clock = new ManualClock(now.AddHours(-Math.Max(c.limitHoursAgo, 0)));
            var gate = new ContactGate(policy, new InMemoryContactLedger(), clock, zone);
            if (c.limitHoursAgo >= 0)
            {
                gate.TryRecord(new ContactRequest("c1", "Email"), "earlier").IsAllowed.ShouldBeTrue();
            }
            clock.Now = now;
            var call = new ContactRequest("c1", "Phone");
            var decision = gate.Check(call);
            var limitFree = c.limitHoursAgo >= 0 ? now.AddHours(24 - c.limitHoursAgo) : now;
            bool Allowed(DateTimeOffset at) => at >= limitFree && !IsQuiet(at, zone, from, to, day);
            decision.IsAllowed.ShouldBe(Allowed(now), $"{zone.Id} {from}..{to} {day} at {now:O}");
            if (decision.IsAllowed)
            {
                return;
            }
            // The first allowed minute within 8 days, then the first allowed tick within that minute.
            var minute = now;
            while (!Allowed(minute.AddMinutes(1)))
            {
                minute = minute.AddMinutes(1);
                if (minute > now.AddDays(8))
                {
                    decision.RetryAt.ShouldBeNull($"{zone.Id} {from}..{to} {day}: quiet at every hour");
                    return;
                }
            }
            var expected = T.FirstAllowedTick(minute.UtcTicks, minute.AddMinutes(1).UtcTicks, Allowed);
            decision.RetryAt.ShouldBe(expected, $"{zone.Id} {from}..{to} {day} at {now:O} ({TimeZoneInfo.ConvertTime(now, zone):O}), limit free at {limitFree:O}");
            decision.RetryAt!.Value.Offset.ShouldBe(zone.GetUtcOffset(expected));
            // The gate agrees: denied a tick before, allowed at the retry.
            clock.Now = expected.AddTicks(-1);
            gate.Check(call).IsAllowed.ShouldBeFalse();
            clock.Now = expected;
            gate.Check(call).IsAllowed.ShouldBeTrue();
        }, iter: 400);
    }
}
