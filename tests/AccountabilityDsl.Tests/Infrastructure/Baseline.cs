using System.Runtime.CompilerServices;
using System.Text;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Tests.Infrastructure;

/// <summary>
/// Snapshot testing without a library: the expected output lives in a checked-in file. A
/// mismatch fails with both texts; to accept new output on purpose, run the tests with
/// <c>OWNER_ACCEPT_BASELINES=1</c> and review the diff in git.
/// </summary>
public static class Baseline
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>True when the run accepts new output (<c>OWNER_ACCEPT_BASELINES=1</c>) instead of failing on it.</summary>
    public static bool Accepting => Environment.GetEnvironmentVariable("OWNER_ACCEPT_BASELINES") == "1";

    public static void Verify(string actual, string baselinePath, [CallerFilePath] string callerFile = "")
    {
        string projectDirectory = FindProjectDirectory(callerFile);
        string path = Path.Combine(projectDirectory, "Baselines", baselinePath);
        actual = Normalize(actual);
        bool accept = Accepting;
        if (!File.Exists(path))
        {
            if (accept)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, actual);
                return;
            }

            throw new Xunit.Sdk.XunitException($"Baseline {path} does not exist. Actual output:\n{actual}\n(Run with OWNER_ACCEPT_BASELINES=1 to create it.)");
        }

        string expected = Normalize(File.ReadAllText(path));
        if (expected == actual)
        {
            return;
        }

        if (accept)
        {
            File.WriteAllText(path, actual);
            return;
        }

        throw new Xunit.Sdk.XunitException($"Output differs from baseline {path}.\n--- expected\n{expected}\n--- actual\n{actual}\n(Run with OWNER_ACCEPT_BASELINES=1 to accept.)");
    }

    /// <summary>
    /// The stable text form of diagnostics used in baselines: the MSBuild line, then related
    /// locations and the witness, indented. Paths are relative to the repository root.
    /// </summary>
    public static string Render(IEnumerable<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in diagnostics)
        {
            var span = d.Location.LineSpan;
            text.Append($"{Relative(d.Location.FilePath)}({span.Start.Line},{span.Start.Column},{span.End.Line},{span.End.Column}): {d.Severity.ToDisplayString()} {d.Id}: {d.Message}\n");
            foreach (RelatedLocation related in d.Related)
            {
                var r = related.Location.LineSpan;
                text.Append($"    related ({r.Start.Line},{r.Start.Column},{r.End.Line},{r.End.Column}): {related.Message}\n");
            }

            if (d.Witness is { } witness)
            {
                text.Append($"    witness: {witness}\n");
            }
        }

        return text.Length == 0 ? "(no diagnostics)\n" : text.ToString();
    }

    public static string Relative(string path) =>
        Path.IsPathRooted(path) ? Path.GetRelativePath(RepoRoot, path).Replace('\\', '/') : path.Replace('\\', '/');

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FindProjectDirectory(string callerFile)
    {
        for (string? directory = Path.GetDirectoryName(callerFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.EnumerateFiles(directory, "*.csproj").Any())
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No project directory above {callerFile}");
    }

    private static string FindRepoRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "AccountabilityDsl.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (AccountabilityDsl.sln) above " + AppContext.BaseDirectory);
    }
}
