using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests.Infrastructure;

/// <summary>What one ownerc run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The whole run as one stable text, for baselines.</summary>
    public string Render() => $"exit code: {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>Runs <c>ownerc</c> in process, the way <c>Program.Main</c> does, over string writers.</summary>
public static class Ownerc
{
    /// <summary>The fixtures folder relative to the repository root, which is the default working directory.</summary>
    public const string Fixtures = "tests/AccountabilityDsl.Cli.Tests/Fixtures";

    public static string FixturesFullPath => Path.Combine(Baseline.RepoRoot, Fixtures);

    public static CliResult Run(params string[] args) => RunIn(Baseline.RepoRoot, args);

    public static CliResult RunIn(string currentDirectory, params string[] args) => RunIn(currentDirectory, useColor: false, args);

    public static CliResult RunIn(string currentDirectory, bool useColor, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exitCode = CommandLine.Run(args, stdout, stderr, currentDirectory, useColor);
        return new CliResult(exitCode, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }
}

/// <summary>A fresh folder under the system temp folder, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("ownerc-tests-").FullName;

    public string Path { get; }

    public string Write(string relativePath, string text)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            // Undo any permission a test removed, so the folder can be deleted.
            if (!OperatingSystem.IsWindows())
            {
                foreach (string directory in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                {
                    File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Policies the tests write into temporary folders.</summary>
public static class Policies
{
    public const string Valid = """
        policy Demo
        stages Prospect -> Active
        segment Retail
        owner Sales
        accountable Sales for * at *

        """;

    /// <summary>Two accountable declarations claim Retail at Active: OWN0102.</summary>
    public const string Conflict = """
        policy Conflict
        stages Prospect -> Active
        segment Retail
        segment Business
        owner Sales
        owner Service
        accountable Sales for * at *
        accountable Service for Retail at Active

        """;
}
