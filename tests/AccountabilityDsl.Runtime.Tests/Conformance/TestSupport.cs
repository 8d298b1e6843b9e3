using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>A settable clock (Microsoft.Extensions.TimeProvider.Testing is not available in the package feed).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _utcTicks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}

internal static class T
{
    public const string File = "retail-bank.owner";

    public static TimeZoneInfo Berlin { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static TimeZoneInfo NewYork { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static SourceLine Line(int line, string text = "") => new(File, line, text);

    public static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    /// <summary>A local wall time in a zone with an explicit offset (asserted to be the zone's offset).</summary>
    public static DateTimeOffset At(TimeZoneInfo zone, int y, int mo, int d, int h, int mi, double offsetHours)
    {
        var t = new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours));
        zone.GetUtcOffset(t).ShouldBe(TimeSpan.FromHours(offsetHours), $"test setup: offset of {t} in {zone.Id}");
        return t;
    }

    /// <summary>
    /// The first tick in (<paramref name="deniedTick"/>, <paramref name="allowedTick"/>] at which
    /// <paramref name="allowed"/> holds, by binary search: it must not hold at the first bound and hold at the second,
    /// switching once in between.
    /// </summary>
    public static DateTimeOffset FirstAllowedTick(long deniedTick, long allowedTick, Func<DateTimeOffset, bool> allowed)
    {
        while (allowedTick - deniedTick > 1)
        {
            var mid = deniedTick + ((allowedTick - deniedTick) >> 1);
            if (allowed(new DateTimeOffset(mid, TimeSpan.Zero)))
            {
                allowedTick = mid;
            }
            else
            {
                deniedTick = mid;
            }
        }
        return new DateTimeOffset(allowedTick, TimeSpan.Zero);
    }

    public static ContactLimit Limit(LimitScope scope, int max, int count, TimeUnit unit, bool calendar = false, int line = 1) =>
        new(scope, max, new TimeWindow(count, unit, calendar), Line(line));

    public static ContactPolicy Policy(
        IReadOnlyList<ContactLimit>? limits = null,
        IReadOnlyList<ChannelCapacity>? capacities = null,
        IReadOnlyList<Cooldown>? cooldowns = null,
        IReadOnlyList<string>? exempt = null,
        IReadOnlyList<OfferDefinition>? offers = null,
        IReadOnlyList<string>? channels = null) =>
        new("retail-bank", File, limits: limits ?? [], capacities: capacities ?? [], cooldowns: cooldowns ?? [],
            exemptCategories: exempt ?? [], offers: offers ?? [], channels: channels ?? []);
}
