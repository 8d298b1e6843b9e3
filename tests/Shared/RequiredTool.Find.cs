namespace AccountabilityDsl.Testing;

// The part of RequiredTool without xunit: PostgresCluster uses it, and the benchmark in bench/LedgerThroughput links
// both files to start the same throw-away cluster as the tests.
public static partial class RequiredTool
{
    /// <summary>The full path of <paramref name="program"/>, or null.</summary>
    public static string? TryFind(string program, params string[] alsoLookIn)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        IEnumerable<string> folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Concat(alsoLookIn);
        return folders.Where(folder => folder.Length > 0)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }
}
