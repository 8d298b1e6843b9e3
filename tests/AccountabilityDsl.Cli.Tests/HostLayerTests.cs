using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// Every command reads its inputs through the one host layer (PolicyWorkspace): on a FIFO, a
/// folder named like a policy, a missing file and invalid UTF-8 each answers quickly, in the same
/// words and with the same exit code (2 for what cannot be read, 1 with OWN0001 for content).
/// And a policy of several files goes through every command as one policy.
/// </summary>
public sealed class HostLayerTests
{
    /// <summary>Each command with the arguments it needs besides its input.</summary>
    public static TheoryData<string[]> Commands() =>
    [
        ["check"],
        ["generate", "-o", "out"],
        ["matrix"],
        ["explain", "--segment", "Retail", "--stage", "Active"],
        ["fmt", "--check"],
    ];

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Unreadable_inputs_get_the_same_words_and_exit_code_2_from_every_command(string[] command)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(temp.Path, "dir.owner"));
        Within(temp.Path, [.. command, "missing.owner"]).ShouldBe(new CliResult(2, "", "ownerc: error: no such file or folder: 'missing.owner'\n"));
        Within(temp.Path, [.. command, "dir.owner"]).ShouldBe(new CliResult(2, "", "ownerc: error: no .owner files found in folder 'dir.owner'\n"));
        if (OperatingSystem.IsLinux())
        {
            HostileInputCliTests.MakeFifo(Path.Combine(temp.Path, "pipe.owner"));
            Within(temp.Path, [.. command, "pipe.owner"]).ShouldBe(
                new CliResult(2, "", "ownerc: error: cannot read 'pipe.owner': it is a FIFO (named pipe), not a regular file\n"));
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Invalid_utf8_is_OWN0001_for_every_command_never_an_answer(string[] command)
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "bad.owner"),
            [.. "policy Bad\nstages Active\nsegment Retail\nowner O\naccountable O for * at *\n// caf"u8, 0xE9, 0xFF, (byte)'\n']);

        CliResult result = Within(temp.Path, [.. command, "bad.owner"]);
        result.ExitCode.ShouldBe(1);
        (result.Stdout + result.Stderr).ShouldContain("bad.owner(6,");
        (result.Stdout + result.Stderr).ShouldContain("error OWN0001: ");
        Directory.Exists(Path.Combine(temp.Path, "out")).ShouldBeFalse();
    }

    [Fact]
    public void A_policy_of_several_files_goes_through_every_command_as_one_policy()
    {
        const string Folder = "samples/high-street-bank";
        Ownerc.Run("check", Folder).ShouldBe(new CliResult(0, "no problems found in 3 files\n", ""));
        Ownerc.Run("check", $"{Folder}/offers/boats.owner", "--format", "msbuild").Stdout.ShouldContain("error OWN0002: unknown owner 'BoatLoanProductManager'");

        using var temp = new TempFolder();
        CliResult generated = Ownerc.Run("generate", Folder, "-o", Path.Combine(temp.Path, "out"));
        generated.ExitCode.ShouldBe(0, generated.Stderr);
        generated.Stdout.ShouldEndWith("HighStreetBankPolicy.g.cs\n");
        string source = File.ReadAllText(Path.Combine(temp.Path, "out", "HighStreetBankPolicy.g.cs"));
        source.ShouldContain("BoatLoan");
        source.ShouldContain("Remortgage");

        CliResult matrix = Ownerc.Run("matrix", Folder, "--format", "markdown");
        matrix.ExitCode.ShouldBe(0, matrix.Stderr);
        matrix.Stdout.ShouldContain("# Accountability matrix: HighStreetBank");

        CliResult cell = Ownerc.Run("explain", Folder, "--segment", "Affluent", "--stage", "Active");
        cell.ShouldBe(new CliResult(0,
            "Segment Affluent at Active: AffluentSegmentManager is accountable.\n"
            + "  line 34 of core.owner: accountable AffluentSegmentManager for Affluent              at Onboarding..Retention\n", ""));

        CliResult two = Ownerc.Run("matrix", Folder, "samples/retail-bank.owner");
        two.ExitCode.ShouldBe(2);
        two.Stderr.ShouldBe("ownerc: error: the files hold 2 policies (HighStreetBank, RetailBank); 'ownerc matrix' takes the file or files of one policy\n");
    }

    /// <summary>Runs ownerc in process and fails when it takes longer than <see cref="Bound"/> (a hang, not slowness).</summary>
    private static CliResult Within(string directory, params string[] args)
    {
        Ownerc.RunIn(directory, "--version"); // start-up (JIT) is not what is measured
        var run = Task.Factory.StartNew(() => Ownerc.RunIn(directory, args), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        run.Wait(Bound).ShouldBeTrue($"ownerc {string.Join(' ', args)} did not answer within {Bound}");
        return run.Result;
    }
}
