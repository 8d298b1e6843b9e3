using System.Globalization;
using System.Text;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Generates large, realistic, deterministic policies for the benchmarks: no randomness, so the
/// same parameters always give the same text and runs can be compared.
/// </summary>
public static class PolicyGenerator
{
    /// <summary>
    /// About <paramref name="targetBytes"/> of policy: a lifecycle of 20 stages and repeated
    /// blocks of one team each (owner, assigned segment, accountability, responsibility, offer
    /// and its limit), as a large organisation's policy grows. It checks without errors.
    /// </summary>
    public static string Large(int targetBytes)
    {
        var text = new StringBuilder(targetBytes + 4096);
        text.Append("// Generated: a large organisation with one team per segment.\n");
        text.Append("policy Large namespace Generated.Policies\n");
        text.Append("stages ").Append(string.Join(" -> ", Enumerable.Range(0, 20).Select(i => $"Stage{i}"))).Append('\n');
        text.Append("channel Email\n");
        for (int c = 0; c < 20; c++)
        {
            text.Append(CultureInfo.InvariantCulture, $"channel Channel{c} capacity {10000 + c} per week\n");
        }

        text.Append("limit contacts per customer: at most 12 per 1 month\n");
        for (int i = 0; text.Length < targetBytes; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                owner Team{i} "Segment team {i}"
                segment Segment{i} "Customers assigned to team {i}"
                accountable Team{i} for Segment{i} at *
                responsible Team{i} for Segment{i} at Stage0..Stage3 via Email
                offer Offer{i} by Team{i} to Segment{i} at Stage5, Stage6 via Email, Channel{i % 20} min cell 10 priority {i % 100}
                limit Offer{i} per customer: at most 2 per 30 days

                """);
        }

        return text.ToString();
    }

    /// <summary>
    /// A policy of predicate segments over <paramref name="attributes"/> attributes and
    /// <paramref name="stages"/> stages: four in five segments partition the customers by
    /// revenue band and region (each owned at every stage), the rest are behavioural overlays
    /// on the other attributes with no owner of their own, covered by the partition. Checks
    /// clean apart from unused-declaration warnings, and exercises every region rule. With
    /// <paramref name="throughSegments"/> the overlays (one segment in five) are defined through
    /// other segments: a band segment, and every other one also not the previous overlay.
    /// </summary>
    public static string Predicates(int segments, int attributes = 10, int stages = 20, bool throughSegments = false)
    {
        if (attributes < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(attributes), "at least 4 attributes");
        }

        const int regions = 5;
        int overlays = segments / 5;
        int bands = (segments - overlays) / regions;
        var text = new StringBuilder();
        text.Append("policy Predicates\n");
        text.Append("stages ").Append(string.Join(" -> ", Enumerable.Range(0, stages).Select(i => $"S{i}"))).Append('\n');
        text.Append("attribute revenue: decimal\n");
        text.Append("attribute region: enum { R0, R1, R2, R3, R4 }\n");
        for (int a = 2; a < attributes; a++)
        {
            text.Append(a % 3 == 0 ? $"attribute flag{a}: bool\n" : $"attribute metric{a}: int\n");
        }

        for (int o = 0; o < 10; o++)
        {
            text.Append(CultureInfo.InvariantCulture, $"owner Manager{o}\n");
        }

        text.Append("owner Analytics\n");
        int segmentIndex = 0;
        for (int band = 0; band < bands; band++)
        {
            string lower = band == 0 ? "" : $"revenue >= {band * 10000} and ";
            string upper = band == bands - 1 ? "" : $"revenue < {(band + 1) * 10000} and ";
            for (int r = 0; r < regions; r++)
            {
                text.Append(CultureInfo.InvariantCulture, $"segment Band{band}R{r} where {lower}{upper}region == R{r}\n");
                text.Append(CultureInfo.InvariantCulture, $"accountable Manager{segmentIndex++ % 10} for Band{band}R{r} at *\n");
            }
        }

        for (int v = 0; v < overlays; v++)
        {
            int a = 2 + (v % (attributes - 2));
            string condition = a % 3 == 0 ? $"flag{a}" : $"metric{a} >= {v * 7 % 50}";
            int b = 2 + ((v + 3) % (attributes - 2));
            string second = b == a ? "" : b % 3 == 0 ? $" and not flag{b}" : $" and metric{b} < {100 + v}";
            if (throughSegments)
            {
                // A band segment (a different one each time) and, every other overlay, not the one before.
                string band = $"Band{v * 7 % bands}R{v % regions}";
                string previous = v % 2 == 1 ? $" and not Overlay{v - 1}" : "";
                text.Append(CultureInfo.InvariantCulture, $"segment Overlay{v} where {band} and {condition}{previous}\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"segment Overlay{v} where {condition}{second}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"informed Analytics for Overlay{v} at S0\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Issue 6's scale workload: <paramref name="segments"/> assigned segments over a lifecycle of
    /// <paramref name="stages"/> stages, with four declarations per segment (the segment, a hunter
    /// accountable for the first half of the lifecycle, a farmer for the second half, and a
    /// responsible service team), 100 hunters, 100 farmers and 50 service teams. 2,000 segments
    /// give 8,000 declarations. It checks without errors.
    /// </summary>
    public static string Assigned(int segments, int stages = 50)
    {
        var text = new StringBuilder();
        text.Append("policy Scale namespace Generated.Scale\n");
        text.Append("stages ").Append(string.Join(" -> ", Enumerable.Range(0, stages).Select(i => $"Stage{i}"))).Append('\n');
        text.Append("channel Email\nlimit contacts per customer: at most 4 per 1 month\n");
        for (int o = 0; o < 100; o++)
        {
            text.Append(CultureInfo.InvariantCulture, $"owner Hunter{o}\nowner Farmer{o}\n");
        }

        for (int o = 0; o < 50; o++)
        {
            text.Append(CultureInfo.InvariantCulture, $"owner Service{o}\n");
        }

        int half = stages / 2;
        for (int i = 0; i < segments; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                segment Segment{i} "Assigned segment {i}"
                accountable Hunter{i % 100} for Segment{i} at Stage0..Stage{half - 1}
                accountable Farmer{i % 100} for Segment{i} at Stage{half}..Stage{stages - 1}
                responsible Service{i % 50} for Segment{i} at Stage{half}..Stage{stages - 1} via Email

                """);
        }

        return text.ToString();
    }
}
