namespace AccountabilityDsl.Runtime;

/// <summary>
/// Window arithmetic in the host time zone. A local time is turned into the FIRST instant whose local time is at or
/// after it: a time in a DST gap becomes the transition instant (02:30 on a spring-forward night becomes 03:00, the
/// first wall time after the gap), an ambiguous time (the repeated hour in autumn) its first occurrence. This keeps
/// every window start monotonic in "now" and makes <see cref="LeavesWindowAt"/> the exact first instant at which a
/// contact stops counting.
/// </summary>
internal sealed class ZoneCalendar(TimeZoneInfo zone)
{
    private const long TicksPerDay = TimeSpan.TicksPerDay;

    public TimeZoneInfo Zone { get; } = zone;

    public DateTime ToLocal(DateTimeOffset instant) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(instant.UtcDateTime, Zone), DateTimeKind.Unspecified);

    /// <summary>
    /// The first instant whose local time is at or after <paramref name="local"/>, expressed with the zone's offset
    /// at that instant: the instant itself when the local time exists once, its first occurrence when it is repeated,
    /// the transition instant when it falls in a gap.
    /// </summary>
    /// <remarks>
    /// Decided by converting candidate instants back (UTC → local is exact to the tick), not by
    /// <see cref="TimeZoneInfo.IsAmbiguousTime(DateTime)"/>/<see cref="TimeZoneInfo.IsInvalidTime"/>, whose rules can
    /// be one tick off at the end of a transition.
    /// </remarks>
    public DateTimeOffset ToInstant(DateTime local) => ToInstant(local, out _);

    private DateTimeOffset ToInstant(DateTime local, out bool exists)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var before = Zone.GetUtcOffset(local.Ticks > DateTime.MinValue.Ticks + TicksPerDay ? local.AddDays(-1) : local);
        var after = Zone.GetUtcOffset(local.Ticks < DateTime.MaxValue.Ticks - TicksPerDay ? local.AddDays(1) : local);
        var best = long.MaxValue;
        var bestOffset = TimeSpan.Zero;
        foreach (var offset in before == after ? [before] : new[] { before, after })
        {
            var utc = local.Ticks - offset.Ticks;
            if (utc >= DateTime.MinValue.Ticks && utc <= DateTime.MaxValue.Ticks && utc < best
                && TimeZoneInfo.ConvertTimeFromUtc(new DateTime(utc, DateTimeKind.Utc), Zone).Ticks == local.Ticks)
            {
                best = utc;
                bestOffset = offset;
            }
        }
        exists = best != long.MaxValue;
        if (exists)
        {
            return new DateTimeOffset(local, bestOffset);
        }
        // In a gap [gap start, gap end) on the wall clock: the transition instant T has wall time gap end, and T lies
        // in (local − offset after, local − offset before]; find it exactly.
        var transition = FirstInstantWithOffset(local.Ticks - after.Ticks + 1, local.Ticks - before.Ticks, after);
        return new DateTimeOffset(transition, TimeSpan.Zero).ToOffset(after);
    }

    /// <summary>The least UTC tick in [<paramref name="lo"/>, <paramref name="hi"/>] whose offset is <paramref name="offset"/> (the zone changes offset once in the range).</summary>
    private long FirstInstantWithOffset(long lo, long hi, TimeSpan offset)
    {
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (Zone.GetUtcOffset(new DateTime(mid, DateTimeKind.Utc)) == offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /// <summary>
    /// The first instant at or after <paramref name="start"/> whose local time is free, where
    /// <paramref name="quietUntil"/> says, for a local time, the local time its current quiet stretch ends (null when
    /// it is free). Null when no free instant comes within <paramref name="horizon"/> (a channel quiet at every hour).
    /// </summary>
    /// <remarks>
    /// Walks the quiet stretches on the wall clock, one piece of constant UTC offset at a time: inside a piece local
    /// time runs with the instant, so a stretch ending at local <c>e</c> ends at <c>t + (e − local(t))</c>; at an offset
    /// change local time jumps (forward in spring, back in autumn, possibly out of the stretch) and is looked at
    /// afresh. Exact to the tick in every zone, including stretches that end in a spring gap or in a repeated hour.
    /// </remarks>
    public DateTimeOffset? FirstFreeInstant(DateTimeOffset start, Func<DateTime, DateTime?> quietUntil, TimeSpan horizon)
    {
        var t = start.UtcTicks;
        var limit = start.UtcTicks + horizon.Ticks;
        while (t <= limit)
        {
            var offset = Zone.GetUtcOffset(new DateTime(t, DateTimeKind.Utc));
            var local = t + offset.Ticks;
            if (quietUntil(new DateTime(local, DateTimeKind.Unspecified)) is not { } until)
            {
                return InZone(new DateTimeOffset(t, TimeSpan.Zero));
            }
            var end = t + (until.Ticks - local);
            // The first instant in (t, end] with another offset, if any: the stretch is cut there.
            var change = Zone.GetUtcOffset(new DateTime(end, DateTimeKind.Utc)) == offset
                ? end
                : FirstInstantWithout(t + 1, end, offset);
            t = Math.Min(end, change);
        }
        return null;
    }

    /// <summary>The least UTC tick in [<paramref name="lo"/>, <paramref name="hi"/>] whose offset is not <paramref name="offset"/> (the one at <paramref name="hi"/> is not).</summary>
    private long FirstInstantWithout(long lo, long hi, TimeSpan offset)
    {
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (Zone.GetUtcOffset(new DateTime(mid, DateTimeKind.Utc)) != offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /// <summary>
    /// The window start of a rolling month/year window whose exclusive bound is the local time
    /// <paramref name="local"/>: contacts whose local time is later count. In a gap that is the transition instant
    /// (inclusive); otherwise the instant after the (first occurrence of the) local time.
    /// </summary>
    private long RollingStart(DateTime local)
    {
        var instant = ToInstant(local, out var exists).UtcTicks;
        return exists ? instant + 1 : instant;
    }

    /// <summary>Expresses an instant with the zone's offset at that instant (for display).</summary>
    public DateTimeOffset InZone(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateTime UnitStart(DateTime local, TimeUnit unit)
    {
        var date = local.Date;
        return unit switch
        {
            TimeUnit.Day => date,
            TimeUnit.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
            TimeUnit.Month => new DateTime(date.Year, date.Month, 1),
            _ => new DateTime(date.Year, 1, 1),
        };
    }

    public static DateTime AddUnits(DateTime local, TimeUnit unit, int n) => unit switch
    {
        TimeUnit.Day => local.AddDays(n),
        TimeUnit.Week => local.AddDays(7 * n),
        TimeUnit.Month => local.AddMonths(n),
        _ => local.AddYears(n),
    };

    /// <summary>
    /// The earliest instant (inclusive, in UTC ticks) of contacts counted by <paramref name="window"/> at <paramref name="now"/>.
    /// </summary>
    public long WindowFromTicks(DateTimeOffset now, TimeWindow window)
    {
        if (window.Calendar)
        {
            var start = UnitStart(ToLocal(now), window.Unit);
            start = AddUnits(start, window.Unit, -(window.Count - 1));
            return ToInstant(start).UtcTicks;
        }
        switch (window.Unit)
        {
            case TimeUnit.Day:
                return now.UtcTicks - window.Count * TicksPerDay + 1;
            case TimeUnit.Week:
                return now.UtcTicks - window.Count * 7 * TicksPerDay + 1;
            default:
                return RollingStart(AddUnits(ToLocal(now), window.Unit, -window.Count));
        }
    }

    /// <summary>A calendar window's start, valid for every instant in [<see cref="ValidFromUtcTicks"/>, <see cref="ValidToUtcTicks"/>).</summary>
    internal sealed class CachedWindow(long fromUtcTicks, long validFromUtcTicks, long validToUtcTicks)
    {
        public long FromUtcTicks { get; } = fromUtcTicks;
        public long ValidFromUtcTicks { get; } = validFromUtcTicks;
        public long ValidToUtcTicks { get; } = validToUtcTicks;

        public bool Contains(long utcTicks) => utcTicks >= ValidFromUtcTicks && utcTicks < ValidToUtcTicks;
    }

    /// <summary>
    /// The calendar window at <paramref name="now"/> (same start as <see cref="WindowFromTicks"/>) together with the
    /// span of instants for which that start stays the same: the instants whose local time lies in the same unit,
    /// i.e. from the instant of the unit's local start to the instant of the next unit's local start.
    /// </summary>
    /// <remarks>
    /// Local time runs backwards only at a fall-back transition. If one happens within a day after the unit starts,
    /// local time could drop back into the previous unit inside that span, so such a unit is not reused: the result
    /// is then valid for <paramref name="now"/> alone and the next call computes afresh.
    /// </remarks>
    public CachedWindow CalendarWindow(DateTimeOffset now, TimeWindow window)
    {
        var unitStart = UnitStart(ToLocal(now), window.Unit);
        var from = ToInstant(AddUnits(unitStart, window.Unit, -(window.Count - 1))).UtcTicks;
        var validFrom = ToInstant(unitStart).UtcTicks;
        var validTo = ToInstant(AddUnits(unitStart, window.Unit, 1)).UtcTicks;
        var t = now.UtcTicks;
        if (t < validFrom || t >= validTo
            || validFrom > DateTime.MaxValue.Ticks - TicksPerDay
            || Zone.GetUtcOffset(new DateTime(validFrom, DateTimeKind.Utc)) != Zone.GetUtcOffset(new DateTime(validFrom + TicksPerDay, DateTimeKind.Utc)))
        {
            return new CachedWindow(from, t, t + 1);
        }
        return new CachedWindow(from, validFrom, validTo);
    }

    /// <summary>
    /// The earliest instant at which a counted contact at <paramref name="pivot"/> (and every older one) no longer
    /// counts in <paramref name="window"/>, assuming no further contacts.
    /// </summary>
    public DateTimeOffset LeavesWindowAt(DateTimeOffset pivot, TimeWindow window)
    {
        if (window.Calendar)
        {
            // The next window whose first unit starts after the pivot's unit.
            var unitStart = UnitStart(ToLocal(pivot), window.Unit);
            return InZone(ToInstant(AddUnits(unitStart, window.Unit, window.Count)));
        }
        switch (window.Unit)
        {
            case TimeUnit.Day:
                return InZone(pivot + TimeSpan.FromDays(window.Count));
            case TimeUnit.Week:
                return InZone(pivot + TimeSpan.FromDays(7 * window.Count));
            default:
                // The pivot stops counting once the window start (RollingStart of local(now) − window) is after it,
                // i.e. once local(now) − window reaches the least wall time w1 whose start is after the pivot:
                // local(pivot) itself, unless the pivot is the second occurrence of an autumn wall time (whose first
                // occurrence is earlier), then the first wall time after the repeated hour.
                var local = ToLocal(pivot);
                if (ToInstant(local).UtcTicks < pivot.UtcTicks)
                {
                    var offset = Zone.GetUtcOffset(pivot.UtcDateTime);
                    var first = ToInstant(local).UtcTicks;
                    var transition = FirstInstantWithOffset(first + 1, pivot.UtcTicks, offset);
                    local = ToLocal(new DateTimeOffset(transition + (pivot.UtcTicks - first), TimeSpan.Zero));
                }
                // The least wall time L with L − window ≥ w1: usually w1 + window; when the addition clamped at month
                // end (31 Jan + 1 month = 28 Feb) the subtraction does not get back to w1, and the least one is the
                // start of the following month. The retry is the first instant whose local time reaches L.
                var candidate = AddUnits(local, window.Unit, window.Count);
                if (AddUnits(candidate, window.Unit, -window.Count) < local)
                {
                    candidate = new DateTime(candidate.Year, candidate.Month, 1).AddMonths(1);
                }
                return InZone(ToInstant(candidate));
        }
    }
}
