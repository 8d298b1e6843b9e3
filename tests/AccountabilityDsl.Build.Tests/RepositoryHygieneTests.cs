using System.Text.Json;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.Build.Tests;

/// <summary>What a fresh clone does on its own: files `ownerc serve` leaves are ignored, `dotnet pack` warns about nothing.</summary>
[Trait("Category", "Slow")]
public sealed class RepositoryHygieneTests
{
    [SkippableFact]
    public void The_default_serve_ledger_and_its_journal_files_are_ignored()
    {
        string git = RequiredTool.Find("git", "git");

        // check-ignore exits 0 only when every path is ignored; -v names the rule, for the failure message.
        ProcessResult ignored = DotNet.RunProgram(git, DotNet.RepoRoot, null,
            "check-ignore", "-v", "--no-index", "ownerc-ledger.db", "ownerc-ledger.db-shm", "ownerc-ledger.db-wal", "samples/ownerc-ledger.db");

        ignored.ExitCode.ShouldBe(0, ignored.ToString());
        ignored.Output.Trim().Split('\n').Length.ShouldBe(4, ignored.ToString());
    }

    [Theory]
    [InlineData("bench/AccountabilityDsl.Benchmarks/AccountabilityDsl.Benchmarks.csproj")]
    [InlineData("bench/HttpFloor/HttpFloor.csproj")]
    [InlineData("bench/LedgerThroughput/LedgerThroughput.csproj")]
    public void A_bench_project_is_not_packable_and_packing_the_solution_does_not_warn_about_it(string project)
    {
        ProcessResult evaluated = DotNet.Run(DotNet.RepoRoot, null,
            "msbuild", project, "-getProperty:IsPackable", "-getProperty:WarnOnPackingNonPackableProject");

        evaluated.ExitCode.ShouldBe(0, evaluated.ToString());
        JsonElement properties = JsonDocument.Parse(evaluated.Output[evaluated.Output.IndexOf('{', StringComparison.Ordinal)..]).RootElement.GetProperty("Properties");
        properties.GetProperty("IsPackable").GetString().ShouldBe("false");
        properties.GetProperty("WarnOnPackingNonPackableProject").GetString().ShouldNotBe("true", "NuGet's Pack target warns 'This project cannot be packaged' for it");
    }
}
