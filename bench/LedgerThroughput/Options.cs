using System.Globalization;

namespace AccountabilityDsl.LedgerThroughput;

/// <summary>The command line: how long and how often each configuration runs, and which ones.</summary>
internal sealed record Options(int Seconds, int Rounds, int[] Clients, int[] SqliteProcesses, int Scale, bool Profile = false)
{
    public static Options? Parse(string[] args)
    {
        var options = new Options(Seconds: 6, Rounds: 3, Clients: [1, 8, 32], SqliteProcesses: [1, 4], Scale: 1);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--profile")
            {
                options = options with { Profile = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                return null;
            }
            var value = args[++i];
            options = args[i - 1] switch
            {
                "--seconds" when Positive(value) is { } n => options with { Seconds = n },
                "--rounds" when Positive(value) is { } n => options with { Rounds = n },
                "--scale" when Positive(value) is { } n => options with { Scale = n },
                "--clients" when List(value) is { } list => options with { Clients = list },
                "--sqlite-processes" when List(value) is { } list => options with { SqliteProcesses = list },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }
        return options;
    }

    private static int? Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static int[]? List(string text)
    {
        var items = text.Split(',').Select(Positive).ToArray();
        return items.All(n => n is not null) ? [.. items.Select(n => n!.Value)] : null;
    }
}

/// <summary>What the report says about the machine.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average (/proc/loadavg), or "?" where there is none.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public static string Cpu()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores";
    }
}
