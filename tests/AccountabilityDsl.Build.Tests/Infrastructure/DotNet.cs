using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace AccountabilityDsl.Build.Tests.Infrastructure;

/// <summary>What a finished <c>dotnet</c> process printed, stdout and stderr together.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}\n{Output}";
}

/// <summary>Runs the real <c>dotnet</c> (or another program) as a child process.</summary>
public static class DotNet
{
    public static string RepoRoot { get; } = Metadata("RepoRoot");

    /// <summary>The configuration the tests (and so the packed projects) were built in.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    private static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static ProcessResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunProgram(Executable, workingDirectory, environment, args);

    /// <summary>
    /// <see cref="Run"/> for a command that may take longer than four minutes on a busy machine:
    /// a pack that compiles ahead of time (the ownerc tool's ReadyToRun package).
    /// </summary>
    public static ProcessResult RunLong(string workingDirectory, TimeSpan timeout, params string[] args) =>
        Execute(Executable, workingDirectory, null, args, timeout);

    /// <summary>Any program (<c>mono</c>, for one), in the same clean environment as a child <c>dotnet</c>.</summary>
    public static ProcessResult RunProgram(string executable, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Execute(executable, workingDirectory, environment, args, TimeSpan.FromMinutes(4));

    private static ProcessResult Execute(string executable, string workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // `dotnet test` runs us inside MSBuild: its variables would steer the child build to the
        // parent's MSBuild and SDK resolution state. A child build starts clean, as a user's does.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase) || name.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        // Plain console logger output, the same on a terminal and in CI.
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        // No MSBuild node outlives a test (dotnet run has no -nr switch).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        var output = new StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.Append(e.Data).Append('\n'); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} {string.Join(' ', args)} did not finish within {timeout.TotalMinutes} minutes:\n{output}");
        }

        process.WaitForExit();
        lock (gate)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    private static string Metadata(string key) =>
        typeof(DotNet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} metadata");
}
