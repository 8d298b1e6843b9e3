using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0201: two limits on the same scope where one makes the other redundant. A limit is
/// redundant when another limit on the same scope allows at most as many contacts over a window
/// that is at least as long (rolling) or that always contains its window (calendar): every
/// schedule the stricter limit allows, the looser one allows too, so the looser one never decides
/// anything; a limit of at most 0 dominates every other. Pairs where neither dominates (1 per day next to 5 per week: a burst cap plus a
/// sustained cap) are deliberate and not reported. Rolling and calendar limits are never compared.
/// </summary>
public sealed class DuplicateLimitScopeRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0201",
        "Redundant limit on the same scope",
        "limit on {0} (line {1}) is made redundant by the {2} limit on line {3} ({4}), which is the one that applies; remove it, or give it a lower count than the longer-window limit if it is meant as a burst cap",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        foreach (var group in policy.Limits.Where(l => l.IsResolved).GroupBy(l => (l.Scope, l.Target)))
        {
            List<LimitSymbol> limits = [.. group];
            if (limits.Count < 2)
            {
                continue;
            }

            // A limit is redundant when another one dominates it; of two equivalent limits the
            // first one written is the one kept.
            bool IsRedundantBecauseOf(int redundant, int other) =>
                redundant != other
                && Dominates(limits[other], limits[redundant])
                && (!Dominates(limits[redundant], limits[other]) || other < redundant);

            bool[] redundant = [.. limits.Select((_, i) => Enumerable.Range(0, limits.Count).Any(j => IsRedundantBecauseOf(i, j)))];
            for (int i = 0; i < limits.Count; i++)
            {
                if (!redundant[i])
                {
                    continue;
                }

                // Point at a limit that is itself kept (dominance is transitive, so one exists).
                int[] dominators = [.. Enumerable.Range(0, limits.Count).Where(j => IsRedundantBecauseOf(i, j))];
                int applying = dominators.FirstOrDefault(j => !redundant[j], dominators[0]);
                LimitSymbol weaker = limits[i];
                LimitSymbol stricter = limits[applying];
                bool equivalent = Dominates(weaker, stricter);
                string kind = equivalent ? "equivalent" : "stricter";
                context.Report(
                    Rule,
                    weaker.Syntax,
                    [context.Related(stricter.Syntax, $"the {kind} limit that applies ({LimitCoverage.Describe(stricter)})")],
                    null,
                    weaker.ScopeDisplay,
                    policy.LineOf(weaker.Syntax),
                    kind,
                    policy.LineOf(stricter.Syntax),
                    LimitCoverage.Describe(stricter));
            }
        }
    }

    /// <summary>
    /// True when every contact schedule that <paramref name="strict"/> allows, <paramref name="loose"/>
    /// allows too: no more contacts, over a window that covers the other's.
    /// </summary>
    internal static bool Dominates(LimitSymbol strict, LimitSymbol loose)
    {
        // At most 0, over any window, allows no contact at all: nothing is stricter.
        if (strict.MaxCount == 0)
        {
            return true;
        }

        if (strict.MaxCount > loose.MaxCount || strict.Window.Calendar != loose.Window.Calendar)
        {
            return false;
        }

        return strict.Window.Calendar
            ? CalendarWindowContains(strict.Window, loose.Window)
            : RollingWindowAtLeastAsLong(strict.Window, loose.Window);
    }

    /// <summary>
    /// A rolling window covers another when it is at least as long. Days and weeks compare exactly,
    /// as do months and years; across the two families a month counts as 28 to 31 days and a year as
    /// 365 to 366, and the longer window must be longer even in its shortest form.
    /// </summary>
    internal static bool RollingWindowAtLeastAsLong(TimeWindow longer, TimeWindow shorter)
    {
        if (IsDayBased(longer.Unit) == IsDayBased(shorter.Unit))
        {
            return ExactLength(longer) >= ExactLength(shorter);
        }

        return (long)longer.Count * MinimumDays(longer.Unit) >= (long)shorter.Count * MaximumDays(shorter.Unit);
    }

    /// <summary>
    /// A calendar window contains another when each of the other's periods lies inside one of its
    /// own: the same window, or a single calendar day inside a calendar week, month or year, or a
    /// calendar month inside a calendar year. Weeks straddle months and years, and the alignment of
    /// multi-period calendar windows is not comparable, so those are never treated as redundant.
    /// </summary>
    internal static bool CalendarWindowContains(TimeWindow outer, TimeWindow inner)
    {
        if (outer.Count == inner.Count && outer.Unit == inner.Unit)
        {
            return true;
        }

        return outer.Count == 1 && inner.Count == 1 && (inner.Unit, outer.Unit) switch
        {
            (PeriodUnit.Day, _) => true,
            (PeriodUnit.Month, PeriodUnit.Year) => true,
            _ => false,
        };
    }

    private static bool IsDayBased(PeriodUnit unit) => unit is PeriodUnit.Day or PeriodUnit.Week;

    private static long ExactLength(TimeWindow window) => (long)window.Count * window.Unit switch
    {
        PeriodUnit.Day => 1,
        PeriodUnit.Week => 7,
        PeriodUnit.Month => 1,
        _ => 12,
    };

    private static long MinimumDays(PeriodUnit unit) => unit switch
    {
        PeriodUnit.Day => 1,
        PeriodUnit.Week => 7,
        PeriodUnit.Month => 28,
        _ => 365,
    };

    private static long MaximumDays(PeriodUnit unit) => unit switch
    {
        PeriodUnit.Day => 1,
        PeriodUnit.Week => 7,
        PeriodUnit.Month => 31,
        _ => 366,
    };
}
