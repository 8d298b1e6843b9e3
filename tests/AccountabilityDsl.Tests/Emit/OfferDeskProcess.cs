using System.Diagnostics;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>samples/OfferDesk as a user runs it: its built program (a project reference builds it with the tests) in a process of its own.</summary>
internal static class OfferDeskProcess
{
    /// <summary>Starts the desk with <paramref name="arguments"/>, standard output and error redirected.</summary>
    public static Process Start(params string[] arguments)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Baseline.RepoRoot, "samples", "OfferDesk", "bin", here.Parent!.Name, here.Name, "OfferDesk.dll");
        File.Exists(dll).ShouldBeTrue($"OfferDesk not built at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    /// <summary>Runs the desk to its end (at most two minutes): exit code, standard output, standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using Process desk = Start(arguments);
        Task<string> output = desk.StandardOutput.ReadToEndAsync();
        Task<string> error = desk.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await desk.WaitForExitAsync(timeout.Token);
        return (desk.ExitCode, (await output).ReplaceLineEndings("\n"), await error);
    }
}
