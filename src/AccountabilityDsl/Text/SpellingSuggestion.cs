namespace AccountabilityDsl.Text;

/// <summary>
/// "Did you mean ...?" for unknown names, commands and options: the closest candidate by edit
/// distance, ignoring case, within about one edit per three characters.
/// </summary>
public static class SpellingSuggestion
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        // Allow about one edit per three characters, and always a case-only difference.
        int budget = Math.Max(1, name.Length / 3);
        foreach (string candidate in candidates)
        {
            int distance = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)
                ? 0
                : Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant(), budget);
            if (distance <= budget && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Damerau-Levenshtein (optimal string alignment) distance, giving up past <paramref name="limit"/>.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit || a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var previousPrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], previousPrevious[j - 2] + 1);
                }
            }

            (previousPrevious, previous, current) = (previous, current, previousPrevious);
        }

        return previous[b.Length];
    }
}
