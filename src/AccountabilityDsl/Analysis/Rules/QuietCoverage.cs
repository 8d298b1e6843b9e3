using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// The quiet declarations of each channel, and which channels are quiet at every minute of the
/// week (OWN0207; an offer whose every channel is always quiet is OWN0203). Quiet hours repeat
/// every day; a range whose end comes before its start runs past midnight into the next day.
/// </summary>
internal sealed class QuietCoverage
{
    private const int MinutesPerDay = 24 * 60;
    private readonly Dictionary<ChannelSymbol, List<QuietSymbol>> _byChannel = [];

    public QuietCoverage(BoundPolicy policy)
    {
        foreach (QuietSymbol quiet in policy.Quiets)
        {
            if (quiet.Channel is not { } channel)
            {
                continue;
            }

            if (!_byChannel.TryGetValue(channel, out List<QuietSymbol>? list))
            {
                _byChannel[channel] = list = [];
            }

            list.Add(quiet);
        }
    }

    /// <summary>The channel's quiet declarations in source order.</summary>
    public IReadOnlyList<QuietSymbol> Of(ChannelSymbol channel) => _byChannel.GetValueOrDefault(channel) ?? [];

    /// <summary>True when the channel's quiet declarations together leave no minute of any day free.</summary>
    public bool IsAlwaysQuiet(ChannelSymbol channel)
    {
        IReadOnlyList<QuietSymbol> quiets = Of(channel);
        if (quiets.Count == 0)
        {
            return false;
        }

        var quietDays = new HashSet<DayOfWeek>(quiets.SelectMany(q => q.Days));
        if (quietDays.Count == 7)
        {
            return true;
        }

        // Hours repeat daily, so a day that is not quiet as a whole is free unless the hours
        // cover all of its minutes.
        var covered = new bool[MinutesPerDay];
        foreach ((int from, int to) in quiets.SelectMany(q => q.Hours))
        {
            int end = to <= from ? to + MinutesPerDay : to;
            for (int minute = from; minute < end; minute++)
            {
                covered[minute % MinutesPerDay] = true;
            }
        }

        return covered.All(c => c);
    }
}
