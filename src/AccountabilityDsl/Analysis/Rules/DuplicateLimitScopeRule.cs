using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0201: a limit that can never be the one that applies, because another limit counts all of
/// its contacts and is at least as strict. "Counts all of its contacts": a scope at least as
/// broad (<c>contacts</c> ⊇ a channel and <c>offers</c>; <c>offers</c> ⊇ a group ⊇ an offer), a
/// filter at least as wide (unscoped ⊇ <c>in</c>/<c>at</c>), and per household whenever the other
/// is (a household's count includes the customer's own). "At least as strict": no more contacts,
/// over a window that is at least as long (rolling) or that always contains the other's
/// (calendar); a limit of at most 0 is stricter than any. Whenever the redundant limit would
/// refuse a contact, the other refuses it too. Pairs where neither dominates (1 per day next to
/// 5 per week: a burst cap plus a sustained cap) are deliberate and not reported; rolling and
/// calendar windows are never compared. Of two equivalent limits, the second one written is
/// reported. The advice never asks for the impossible: lowering the count is suggested only
/// when a lower, non-zero count over the shorter window would make a burst cap.
/// </summary>
public sealed class DuplicateLimitScopeRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0201",
        "Limit that can never be the one that applies",
        "limit on {0} ({1}) can never be the one that applies: the {2} limit on {3} ({4}, {5}) counts every contact it counts; {6}",
        DiagnosticSeverity.Warning,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        BoundPolicy policy = context.Policy;
        List<LimitSymbol> limits = [.. policy.Limits.Where(l => l.IsResolved)];
        if (limits.Count < 2)
        {
            return;
        }

        // limits[other] makes limits[redundant] redundant; of two equivalent limits the first one
        // written is the one kept.
        bool[,] makesRedundant = new bool[limits.Count, limits.Count];
        for (int other = 0; other < limits.Count; other++)
        {
            for (int redundant = 0; redundant < limits.Count; redundant++)
            {
                makesRedundant[other, redundant] = redundant != other
                    && Applies(limits[other], limits[redundant])
                    && (!Applies(limits[redundant], limits[other]) || other < redundant);
            }
        }

        bool[] isRedundant = [.. Enumerable.Range(0, limits.Count).Select(i => Enumerable.Range(0, limits.Count).Any(j => makesRedundant[j, i]))];
        for (int i = 0; i < limits.Count; i++)
        {
            if (!isRedundant[i])
            {
                continue;
            }

            // Point at a limit that is itself kept (the relation is transitive, so one exists).
            int[] dominators = [.. Enumerable.Range(0, limits.Count).Where(j => makesRedundant[j, i])];
            int applying = dominators.FirstOrDefault(j => !isRedundant[j], dominators[0]);
            LimitSymbol weaker = limits[i];
            LimitSymbol stricter = limits[applying];
            string kind = Applies(weaker, stricter) ? "equivalent" : "stricter";
            context.Report(
                Rule,
                weaker.Syntax,
                [context.Related(stricter.Syntax, $"the {kind} limit that applies ({LimitCoverage.Describe(stricter)} on {LimitCoverage.DescribeCounted(stricter)})")],
                null,
                LimitCoverage.DescribeCounted(weaker),
                policy.LineReference(weaker.Syntax),
                kind,
                LimitCoverage.DescribeCounted(stricter),
                policy.LineReference(stricter.Syntax),
                LimitCoverage.Describe(stricter),
                Advice(weaker, stricter));
        }
    }

    /// <summary>True when <paramref name="strict"/> refuses whatever <paramref name="loose"/> would refuse.</summary>
    private static bool Applies(LimitSymbol strict, LimitSymbol loose) =>
        LimitCoverage.CountsEveryContactOf(strict, loose) && Dominates(strict, loose);

    /// <summary>
    /// Remove it; and, when the redundant limit has a shorter window and the applying one allows
    /// at least 2 (so a count between 1 and that is possible), lower its count to make a burst cap.
    /// </summary>
    private static string Advice(LimitSymbol weaker, LimitSymbol stricter)
    {
        bool shorterWindow = weaker.Window.Calendar
            ? !CalendarWindowContains(weaker.Window, stricter.Window)
            : !RollingWindowAtLeastAsLong(weaker.Window, stricter.Window);
        bool burstCapPossible = stricter.MaxCount >= 2 && shorterWindow;
        return burstCapPossible
            ? $"remove it, or give it a count below {stricter.MaxCount} if it is meant as a burst cap"
            : "remove it";
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
