namespace AccountabilityDsl.Runtime;

/// <summary>The unit of a <see cref="TimeWindow"/> or of a channel-capacity period.</summary>
public enum TimeUnit
{
    /// <summary>A day: 24 elapsed hours in a rolling window; local midnight to midnight in a calendar window.</summary>
    Day,
    /// <summary>A week: 7×24 elapsed hours in a rolling window; an ISO week (Monday to Sunday) in a calendar window.</summary>
    Week,
    /// <summary>A month: calendar month arithmetic (<see cref="DateTime.AddMonths"/> on local time) or a calendar month.</summary>
    Month,
    /// <summary>A year: calendar year arithmetic (<see cref="DateTime.AddYears"/> on local time) or a calendar year.</summary>
    Year,
}

/// <summary>
/// A time window over which contacts are counted.
/// </summary>
/// <remarks>
/// <para><b>Rolling</b> (<paramref name="Calendar"/> = false): a contact at instant <c>t</c> counts at instant <c>now</c>
/// when <c>t</c> lies in <c>(now − window, now]</c>. Day and Week are exact elapsed durations
/// (<c>Count</c>×24 h and <c>Count</c>×7×24 h, regardless of DST). Month and Year use calendar arithmetic on the
/// host's local time (<see cref="DateTime.AddMonths"/>/<see cref="DateTime.AddYears"/>, clamped at month end:
/// 31 March − 1 month = 28/29 February).</para>
/// <para><b>Calendar</b> (<paramref name="Calendar"/> = true): aligned to the host time zone's calendar — a day is local
/// midnight to midnight (23 h or 25 h on DST change days), a week is an ISO week starting Monday, then month and year.
/// With <c>Count</c> = K &gt; 1 the window is the current unit plus the K−1 preceding units.</para>
/// </remarks>
/// <param name="Count">Number of units, at least 1.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Calendar">True for a calendar-aligned window, false for a rolling one.</param>
public readonly record struct TimeWindow(int Count, TimeUnit Unit, bool Calendar = false)
{
    /// <summary>Human text such as <c>365 days</c>, <c>1 month</c>, <c>calendar week</c> or <c>2 calendar months</c>.</summary>
    public override string ToString()
    {
        var unit = Unit switch
        {
            TimeUnit.Day => "day",
            TimeUnit.Week => "week",
            TimeUnit.Month => "month",
            _ => "year",
        };
        if (Calendar)
        {
            return Count == 1 ? "calendar " + unit : $"{Count} calendar {unit}s";
        }
        return Count == 1 ? "1 " + unit : $"{Count} {unit}s";
    }
}

/// <summary>Where a rule was written in the <c>.owner</c> source, so that decisions can cite it.</summary>
/// <param name="File">The source file name, e.g. <c>retail-bank.owner</c>.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Text">The rule's source text (may be empty).</param>
public sealed record SourceLine(string File, int Line, string Text)
{
    /// <summary>Returns <c>file:line</c>.</summary>
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>What a <see cref="LimitScope"/> counts.</summary>
public enum LimitScopeKind
{
    /// <summary>Every counted contact of the customer that carries an offer.</summary>
    Offers,
    /// <summary>Every counted (non-exempt) contact of the customer.</summary>
    Contacts,
    /// <summary>The customer's contacts via one channel.</summary>
    Channel,
    /// <summary>The customer's contacts carrying one named offer.</summary>
    Offer,
    /// <summary>The customer's contacts carrying any offer of a named group (<c>group G: offers…</c>).</summary>
    Group,
}

/// <summary>Which of a customer's (or household's) contacts a <see cref="ContactLimit"/> counts.</summary>
public sealed class LimitScope : IEquatable<LimitScope>
{
    private LimitScope(LimitScopeKind kind, string? name, string[]? offers = null)
    {
        Kind = kind;
        Name = name;
        GroupOffers = offers ?? [];
    }

    /// <summary>The scope kind.</summary>
    public LimitScopeKind Kind { get; }

    /// <summary>
    /// The channel, offer or group name for <see cref="LimitScopeKind.Channel"/> / <see cref="LimitScopeKind.Offer"/> /
    /// <see cref="LimitScopeKind.Group"/>; otherwise null.
    /// </summary>
    public string? Name { get; }

    /// <summary>For a group: the offers it holds (nested groups flattened, each once, in the order given); otherwise empty.</summary>
    public IReadOnlyList<string> GroupOffers { get; }

    /// <summary>Every contact that carries an offer.</summary>
    public static LimitScope Offers { get; } = new(LimitScopeKind.Offers, null);

    /// <summary>Every non-exempt contact.</summary>
    public static LimitScope Contacts { get; } = new(LimitScopeKind.Contacts, null);

    /// <summary>Contacts via the named channel.</summary>
    public static LimitScope Channel(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(LimitScopeKind.Channel, name);
    }

    /// <summary>Contacts carrying the named offer.</summary>
    public static LimitScope Offer(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(LimitScopeKind.Offer, name);
    }

    /// <summary>Contacts carrying any offer of the named group.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="offers">The offers it holds, nested groups flattened (at least one).</param>
    public static LimitScope Group(string name, IEnumerable<string> offers)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(offers);
        string[] distinct = [.. offers.Distinct(StringComparer.Ordinal)];
        if (distinct.Length == 0)
        {
            throw new ArgumentException($"The group '{name}' holds no offer.", nameof(offers));
        }
        foreach (var offer in distinct)
        {
            LedgerText.Require(offer, "offer");
        }
        return new(LimitScopeKind.Group, name, distinct);
    }

    /// <summary>True when a counted contact with this channel and offer falls in the scope.</summary>
    public bool Matches(string channel, string? offer) => Kind switch
    {
        LimitScopeKind.Offers => offer is not null,
        LimitScopeKind.Contacts => true,
        LimitScopeKind.Channel => string.Equals(channel, Name, StringComparison.Ordinal),
        LimitScopeKind.Group => offer is not null && GroupOffers.Contains(offer, StringComparer.Ordinal),
        _ => string.Equals(offer, Name, StringComparison.Ordinal),
    };

    /// <inheritdoc />
    public bool Equals(LimitScope? other) =>
        other is not null && other.Kind == Kind && string.Equals(other.Name, Name, StringComparison.Ordinal)
        && GroupOffers.SequenceEqual(other.GroupOffers, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LimitScope);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Name);

    /// <summary>
    /// Human text such as <c>offers per customer</c>, <c>sms contacts per customer</c> or
    /// <c>group Lending per customer</c>. Names are not quoted: denials quote the whole rule
    /// (<c>limit 'group Lending per customer: at most 1 per 90 days'</c>).
    /// </summary>
    public override string ToString() => Kind switch
    {
        LimitScopeKind.Offers => "offers per customer",
        LimitScopeKind.Contacts => "contacts per customer",
        LimitScopeKind.Channel => $"{Name} contacts per customer",
        LimitScopeKind.Group => $"group {Name} per customer",
        _ => $"offer {Name} per customer",
    };
}

/// <summary>At most <paramref name="MaxCount"/> contacts in <paramref name="Scope"/> per <paramref name="Window"/>, per customer (or household).</summary>
/// <param name="Scope">Which contacts are counted.</param>
/// <param name="MaxCount">The cap (0 = never allowed).</param>
/// <param name="Window">The window.</param>
/// <param name="Source">Where the rule was written.</param>
/// <remarks>
/// <see cref="PerHousehold"/> counts the contacts of every customer the host gives the same household id (a request
/// without one is a household of one: the customer's own contacts). <see cref="Segments"/> and <see cref="Stages"/>
/// (<c>in</c>/<c>at</c>) make the limit apply only to requests whose customer is in one of those segments and at one of
/// those stages; it then counts the customer's (or household's) contacts in its scope, whatever segment or stage they
/// were made in.
/// </remarks>
public sealed record ContactLimit(LimitScope Scope, int MaxCount, TimeWindow Window, SourceLine Source)
{
    /// <summary>True for <c>per household</c>.</summary>
    public bool PerHousehold { get; init; }

    /// <summary><c>in Seg, …</c>: the segments a request's customer must be in (one of them) for the limit to apply; null = any.</summary>
    public IReadOnlyList<string>? Segments { get; init; }

    /// <summary><c>at stages</c>: the stages a request's customer must be at (one of them) for the limit to apply; null = any.</summary>
    public IReadOnlyList<string>? Stages { get; init; }

    /// <summary>
    /// Rule text such as <c>offers per customer: at most 3 per 365 days</c> or
    /// <c>offers per household in Affluent at Active: at most 4 per 30 days</c>.
    /// </summary>
    public string Description
    {
        get
        {
            var scope = Scope.ToString();
            if (PerHousehold)
            {
                scope = scope[..^" per customer".Length] + " per household";
            }
            if (Segments is { } segments)
            {
                scope += " in " + string.Join(", ", segments);
            }
            if (Stages is { } stages)
            {
                scope += " at " + string.Join(", ", stages);
            }
            return $"{scope}: at most {MaxCount} per {Window}";
        }
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scope);
        ArgumentNullException.ThrowIfNull(Source);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(Window.Count, 1);
        if (Segments is { Count: 0 } || Stages is { Count: 0 })
        {
            throw new ArgumentException($"The limit '{Description}' ({Source}) names an empty segment or stage list (null means any).");
        }
    }
}

/// <summary>
/// At most <paramref name="MaxCount"/> contacts through <paramref name="Channel"/> across ALL customers per calendar
/// <paramref name="Period"/> in the host time zone.
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="MaxCount">The cap.</param>
/// <param name="Period">The calendar period (day, ISO week, month, year).</param>
/// <param name="Source">Where the rule was written.</param>
public sealed record ChannelCapacity(string Channel, int MaxCount, TimeUnit Period, SourceLine Source)
{
    /// <summary>Rule text such as <c>channel sms capacity: at most 10000 per calendar day</c>.</summary>
    public string Description => $"channel {Channel} capacity: at most {MaxCount} per {new TimeWindow(1, Period, true)}";
}

/// <summary>No non-exempt contact within <paramref name="Days"/> days (×24 h) after the host reported <paramref name="EventName"/> for the customer.</summary>
/// <param name="Days">Length of the cool-down in days (exact 24 h days).</param>
/// <param name="EventName">The event, e.g. <c>complaint</c>.</param>
/// <param name="Source">Where the rule was written.</param>
public sealed record Cooldown(int Days, string EventName, SourceLine Source)
{
    /// <summary>
    /// Rule text such as <c>no contact within 30 days after complaint</c>; a denial puts the kind in front
    /// (<c>cool-down 'no contact within …'</c>), so the text does not repeat it.
    /// </summary>
    public string Description => $"no contact within {Days} days after {EventName}";
}

/// <summary>
/// <c>never First with Second within Window</c> (<paramref name="IsAfter"/> false: neither within the window of the
/// other, in either order) or <c>never First after Second within Window</c> (First is refused within the window after
/// Second). Each side is a set of offers (one offer, or a group's offers). The window is rolling: an earlier contact at
/// <c>t</c> blocks while <c>now &lt; t + Window</c>, exactly like a limit of at most 0 more. The rule is per customer.
/// </summary>
/// <param name="First">The offers written first (the ones refused, for <c>after</c>).</param>
/// <param name="IsAfter">True for <c>after</c>; false for <c>with</c>.</param>
/// <param name="Second">The offers written second (the earlier contact, for <c>after</c>).</param>
/// <param name="Window">How long an earlier contact blocks (rolling days or weeks).</param>
/// <param name="Source">Where the rule was written.</param>
/// <param name="Text">The rule as written, e.g. <c>never Remortgage after BoatLoan within 90 days</c>.</param>
public sealed record OfferExclusion(IReadOnlyList<string> First, bool IsAfter, IReadOnlyList<string> Second, TimeWindow Window, SourceLine Source, string Text)
{
    /// <summary>The offers whose earlier contacts block a request for <paramref name="offer"/> (empty when none).</summary>
    public IEnumerable<string> Blockers(string offer)
    {
        var blockers = new List<string>();
        if (First.Contains(offer, StringComparer.Ordinal))
        {
            blockers.AddRange(Second);
        }
        if (!IsAfter && Second.Contains(offer, StringComparer.Ordinal))
        {
            blockers.AddRange(First);
        }
        return blockers.Distinct(StringComparer.Ordinal);
    }
}

/// <summary>A channel that needs the customer's consent (<c>requires consent</c>).</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Source">Where the channel was declared.</param>
public sealed record ConsentRequirement(string Channel, SourceLine Source)
{
    /// <summary>Rule text such as <c>channel Telemarketing requires consent</c>.</summary>
    public string Description => $"channel {Channel} requires consent";
}

/// <summary>
/// <c>quiet Channel HH:MM..HH:MM, Day…</c>: no contact on the channel in those local hours (the gate's time zone; from
/// inclusive, to exclusive; a range whose end is not after its start runs past midnight) or on those whole local days.
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="Hours">Quiet hours as (from, to) local times of day in [00:00, 24:00]; <c>to</c> may be 24:00.</param>
/// <param name="Days">Whole quiet days.</param>
/// <param name="Source">Where the rule was written.</param>
/// <param name="Text">The rule as written, e.g. <c>quiet Telemarketing 20:00..09:00, Sunday</c>.</param>
public sealed record QuietPeriod(string Channel, IReadOnlyList<(TimeSpan From, TimeSpan To)> Hours, IReadOnlyList<DayOfWeek> Days, SourceLine Source, string Text)
{
    /// <summary>True when local wall-clock time <paramref name="local"/> is quiet.</summary>
    public bool IsQuietAt(DateTime local) => QuietUntil(local) is not null;

    /// <summary>
    /// When <paramref name="local"/> is quiet under this declaration alone: the local time its current quiet stretch
    /// (one range or one day) ends; otherwise null.
    /// </summary>
    public DateTime? QuietUntil(DateTime local)
    {
        DateTime? end = null;
        if (Days.Contains(local.DayOfWeek))
        {
            end = local.Date.AddDays(1);
        }
        var time = local.TimeOfDay;
        foreach (var (from, to) in Hours)
        {
            DateTime? rangeEnd = from < to
                ? (time >= from && time < to ? local.Date + to : null)
                : time >= from ? local.Date.AddDays(1) + to
                : time < to ? local.Date + to
                : null;
            if (rangeEnd is { } e && (end is null || e > end))
            {
                end = e;
            }
        }
        return end;
    }

    internal void Validate()
    {
        LedgerText.Require(Channel, "channel");
        ArgumentNullException.ThrowIfNull(Hours);
        ArgumentNullException.ThrowIfNull(Days);
        ArgumentNullException.ThrowIfNull(Source);
        foreach (var (from, to) in Hours)
        {
            if (from < TimeSpan.Zero || from >= TimeSpan.FromDays(1) || to < TimeSpan.Zero || to > TimeSpan.FromDays(1))
            {
                throw new ArgumentException($"The quiet period '{Text}' ({Source}) has a time of day outside 00:00..24:00.");
            }
        }
        if (Hours.Count == 0 && Days.Count == 0)
        {
            throw new ArgumentException($"The quiet period '{Text}' ({Source}) names no hours and no days.");
        }
    }
}

/// <summary>An offer that may be made to customers.</summary>
/// <param name="Name">Offer name.</param>
/// <param name="Sponsor">The accountable sponsor.</param>
/// <param name="Priority">Arbitration priority: higher first.</param>
/// <param name="DeclarationOrder">Position in the source; tie-breaker (lower first).</param>
/// <param name="Channels">Channels through which the offer may be made (empty = any).</param>
public sealed record OfferDefinition(string Name, string Sponsor, int Priority, int DeclarationOrder, IReadOnlyList<string> Channels);

/// <summary>An immutable compiled contact policy. Constructed by generated code.</summary>
public sealed class ContactPolicy
{
    /// <summary>Creates a policy.</summary>
    public ContactPolicy(
        string policyName,
        string sourceFile,
        IReadOnlyList<ContactLimit>? limits = null,
        IReadOnlyList<ChannelCapacity>? capacities = null,
        IReadOnlyList<Cooldown>? cooldowns = null,
        IReadOnlyList<string>? exemptCategories = null,
        IReadOnlyList<OfferDefinition>? offers = null,
        IReadOnlyList<string>? channels = null,
        IReadOnlyList<OfferExclusion>? exclusions = null,
        IReadOnlyList<ConsentRequirement>? consents = null,
        IReadOnlyList<QuietPeriod>? quietPeriods = null)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        ArgumentNullException.ThrowIfNull(sourceFile);
        PolicyName = policyName;
        SourceFile = sourceFile;
        Limits = limits is null ? [] : [.. limits];
        Capacities = capacities is null ? [] : [.. capacities];
        Cooldowns = cooldowns is null ? [] : [.. cooldowns];
        ExemptCategories = exemptCategories is null ? [] : [.. exemptCategories];
        Offers = offers is null ? [] : [.. offers];
        Channels = channels is null ? [] : [.. channels];
        Exclusions = exclusions is null ? [] : [.. exclusions];
        Consents = consents is null ? [] : [.. consents];
        QuietPeriods = quietPeriods is null ? [] : [.. quietPeriods];
        foreach (var channel in Channels)
        {
            LedgerText.Require(channel, "channel");
        }
        foreach (var exclusion in Exclusions)
        {
            ArgumentNullException.ThrowIfNull(exclusion.First);
            ArgumentNullException.ThrowIfNull(exclusion.Second);
            ArgumentNullException.ThrowIfNull(exclusion.Source);
            if (exclusion.First.Count == 0 || exclusion.Second.Count == 0)
            {
                throw new ArgumentException($"The exclusion '{exclusion.Text}' ({exclusion.Source}) has an empty side.", nameof(exclusions));
            }
            ArgumentOutOfRangeException.ThrowIfLessThan(exclusion.Window.Count, 1);
            if (exclusion.Window.Calendar || exclusion.Window.Unit is not (TimeUnit.Day or TimeUnit.Week))
            {
                throw new ArgumentException($"The exclusion '{exclusion.Text}' ({exclusion.Source}) must use a rolling window of days or weeks.", nameof(exclusions));
            }
        }
        foreach (var consent in Consents)
        {
            LedgerText.Require(consent.Channel, "channel");
        }
        foreach (var quiet in QuietPeriods)
        {
            quiet.Validate();
        }
        foreach (var limit in Limits)
        {
            limit.Validate();
        }
        foreach (var capacity in Capacities)
        {
            ArgumentException.ThrowIfNullOrEmpty(capacity.Channel);
            ArgumentOutOfRangeException.ThrowIfNegative(capacity.MaxCount);
        }
        foreach (var cooldown in Cooldowns)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(cooldown.Days);
            ArgumentException.ThrowIfNullOrEmpty(cooldown.EventName);
        }
        LongestLookback = ComputeLongestLookback();
    }

    /// <summary>
    /// Every channel the policy declares. When not empty, a contact request through any other channel name is refused
    /// as an error (an unknown name would match no rule). Empty for a hand-built policy that does not list them.
    /// </summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>
    /// How far back any rule of the policy can look: its longest window, capacity period or cool-down (months taken as
    /// 31 days and years as 366, plus a day for calendar alignment and DST). Retention shorter than this is refused.
    /// </summary>
    public TimeSpan LongestLookback { get; }

    private TimeSpan ComputeLongestLookback()
    {
        static long Span(TimeWindow w)
        {
            long unitDays = w.Unit switch
            {
                TimeUnit.Day => 1,
                TimeUnit.Week => 7,
                TimeUnit.Month => 31,
                _ => 366,
            };
            var exact = !w.Calendar && w.Unit is TimeUnit.Day or TimeUnit.Week;
            return (w.Count * unitDays + (exact ? 0 : 1)) * TimeSpan.TicksPerDay;
        }
        long longest = TimeSpan.TicksPerDay;
        foreach (var limit in Limits)
        {
            longest = Math.Max(longest, Span(limit.Window));
        }
        foreach (var capacity in Capacities)
        {
            longest = Math.Max(longest, Span(new TimeWindow(1, capacity.Period, true)));
        }
        foreach (var cooldown in Cooldowns)
        {
            longest = Math.Max(longest, cooldown.Days * TimeSpan.TicksPerDay);
        }
        foreach (var exclusion in Exclusions)
        {
            longest = Math.Max(longest, Span(exclusion.Window));
        }
        return new TimeSpan(longest);
    }

    /// <summary>The policy name.</summary>
    public string PolicyName { get; }

    /// <summary>The <c>.owner</c> file the policy was compiled from.</summary>
    public string SourceFile { get; }

    /// <summary>Per-customer limits.</summary>
    public IReadOnlyList<ContactLimit> Limits { get; }

    /// <summary>Channel capacities across all customers.</summary>
    public IReadOnlyList<ChannelCapacity> Capacities { get; }

    /// <summary>Cool-downs after host-reported events.</summary>
    public IReadOnlyList<Cooldown> Cooldowns { get; }

    /// <summary>Contact categories that are never blocked and never counted (compared ordinally).</summary>
    public IReadOnlyList<string> ExemptCategories { get; }

    /// <summary>Offers known to the policy.</summary>
    public IReadOnlyList<OfferDefinition> Offers { get; }

    /// <summary><c>never</c> rules between offers.</summary>
    public IReadOnlyList<OfferExclusion> Exclusions { get; }

    /// <summary>Channels that need the customer's consent.</summary>
    public IReadOnlyList<ConsentRequirement> Consents { get; }

    /// <summary>Quiet hours and days of channels.</summary>
    public IReadOnlyList<QuietPeriod> QuietPeriods { get; }

    /// <summary>True when <paramref name="category"/> is exempt.</summary>
    public bool IsExempt(string? category)
    {
        if (category is null)
        {
            return false;
        }
        foreach (var exempt in ExemptCategories)
        {
            if (string.Equals(exempt, category, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
