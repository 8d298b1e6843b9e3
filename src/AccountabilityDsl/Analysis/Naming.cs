using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Analysis;

/// <summary>How rule messages list things: stages as lifecycle ranges, long lists shortened.</summary>
internal static class Naming
{
    /// <summary>"Onboarding..Active, Retention": consecutive stages collapse into a range.</summary>
    public static string Stages(IEnumerable<StageSymbol> stages)
    {
        var ordered = stages.Distinct().OrderBy(s => s.Ordinal).ToList();
        var parts = new List<string>();
        for (int i = 0; i < ordered.Count;)
        {
            int j = i;
            while (j + 1 < ordered.Count && ordered[j + 1].Ordinal == ordered[j].Ordinal + 1)
            {
                j++;
            }

            parts.Add(j == i ? ordered[i].Name : $"{ordered[i].Name}..{ordered[j].Name}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }

    /// <summary>"A, B and C", or the first few and how many more.</summary>
    public static string List(IReadOnlyList<string> items, int max = 6)
    {
        if (items.Count > max)
        {
            return string.Join(", ", items.Take(max)) + $" and {items.Count - max} more";
        }

        return items.Count <= 1 ? string.Join("", items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
    }
}
